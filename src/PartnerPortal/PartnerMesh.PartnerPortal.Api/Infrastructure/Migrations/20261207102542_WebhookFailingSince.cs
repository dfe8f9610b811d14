using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.PartnerPortal.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class WebhookFailingSince : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "failing_since",
                table: "webhook_subscriptions",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "failing_since",
                table: "webhook_subscriptions");
        }
    }
}
