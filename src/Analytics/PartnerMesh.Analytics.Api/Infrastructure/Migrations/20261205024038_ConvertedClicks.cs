using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.Analytics.Api.Infrastructure.Migrations
{
    /// <summary>
    /// The conversion rate becomes converted clicks over clicks (it was orders over clicks, so one click and nine orders
    /// read 900 %); orders per click is its own figure. Both count on the click's day, which needs each click's orders
    /// (<c>click_conversions</c>). Days recorded before this migration have no per-click history, so their converted
    /// clicks and orders from clicks start at 0 rather than being guessed from the order counts.
    /// </summary>
    public partial class ConvertedClicks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "converted_clicks",
                table: "partner_daily_kpis",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "orders_from_clicks",
                table: "partner_daily_kpis",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "click_conversions",
                columns: table => new
                {
                    click_id = table.Column<Guid>(type: "uuid", nullable: false),
                    partner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    day = table.Column<DateOnly>(type: "date", nullable: true),
                    orders = table.Column<long>(type: "bigint", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_click_conversions", x => x.click_id);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "click_conversions");

            migrationBuilder.DropColumn(
                name: "converted_clicks",
                table: "partner_daily_kpis");

            migrationBuilder.DropColumn(
                name: "orders_from_clicks",
                table: "partner_daily_kpis");
        }
    }
}
