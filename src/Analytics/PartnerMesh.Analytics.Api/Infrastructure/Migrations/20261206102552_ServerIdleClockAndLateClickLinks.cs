using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.Analytics.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class ServerIdleClockAndLateClickLinks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_carts_open",
                table: "carts");

            migrationBuilder.AddColumn<Guid>(
                name: "pending_click_id",
                table: "sessions",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "last_seen_at",
                table: "carts",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)));

            // When existing carts' activity was received is not kept: their idle clock starts from the claimed time, as before.
            migrationBuilder.Sql("UPDATE carts SET last_seen_at = last_activity_at;");

            migrationBuilder.CreateTable(
                name: "unlinked_click_events",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    click_id = table.Column<Guid>(type: "uuid", nullable: false),
                    type = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    campaign = table.Column<string>(type: "text", nullable: true),
                    traffic_source = table.Column<string>(type: "text", nullable: false),
                    touchpoint = table.Column<string>(type: "text", nullable: true),
                    session_id = table.Column<string>(type: "text", nullable: true),
                    cart_id = table.Column<string>(type: "text", nullable: true),
                    order_id = table.Column<string>(type: "text", nullable: true),
                    customer_id = table.Column<string>(type: "text", nullable: true),
                    started_session = table.Column<bool>(type: "boolean", nullable: false),
                    created_cart = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_unlinked_click_events", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_carts_open",
                table: "carts",
                column: "last_seen_at",
                filter: "status = 'open'");

            migrationBuilder.CreateIndex(
                name: "ix_unlinked_click_events_click_id",
                table: "unlinked_click_events",
                column: "click_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "unlinked_click_events");

            migrationBuilder.DropIndex(
                name: "ix_carts_open",
                table: "carts");

            migrationBuilder.DropColumn(
                name: "pending_click_id",
                table: "sessions");

            migrationBuilder.DropColumn(
                name: "last_seen_at",
                table: "carts");

            migrationBuilder.CreateIndex(
                name: "ix_carts_open",
                table: "carts",
                column: "last_activity_at",
                filter: "status = 'open'");
        }
    }
}
