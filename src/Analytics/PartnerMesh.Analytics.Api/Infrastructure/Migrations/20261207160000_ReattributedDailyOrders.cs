using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.Analytics.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class ReattributedDailyOrders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The partner daily report moves reattributed orders (ConversionReattributed): when the move was decided, to
            // tell a stale reattribution, and the click the order came from, to unlink it. Orders counted before keep null:
            // their click is not known, so a later reattribution leaves that click's conversion where it is.
            migrationBuilder.AddColumn<Guid>(
                name: "click_id",
                table: "attributed_orders",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "reattributed_at",
                table: "attributed_orders",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "click_id",
                table: "attributed_orders");

            migrationBuilder.DropColumn(
                name: "reattributed_at",
                table: "attributed_orders");
        }
    }
}
