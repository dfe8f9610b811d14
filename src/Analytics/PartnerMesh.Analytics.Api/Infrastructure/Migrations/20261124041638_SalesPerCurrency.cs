using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.Analytics.Api.Infrastructure.Migrations
{
    /// <summary>
    /// Money moves from <c>partner_daily_kpis</c> (summed across currencies) to <c>partner_daily_sales</c> (per currency).
    /// Existing sums carry no currency, so they move under ISO 4217 "XXX" (no currency) instead of being lost.
    /// </summary>
    public partial class SalesPerCurrency : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "partner_daily_sales",
                columns: table => new
                {
                    partner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    currency = table.Column<string>(type: "character(3)", nullable: false),
                    orders = table.Column<long>(type: "bigint", nullable: false),
                    revenue = table.Column<decimal>(type: "numeric(18,2)", nullable: false),
                    commission = table.Column<decimal>(type: "numeric(18,2)", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_partner_daily_sales", x => new { x.partner_id, x.day, x.currency });
                });

            migrationBuilder.CreateIndex(
                name: "ix_partner_daily_sales_day",
                table: "partner_daily_sales",
                column: "day");

            migrationBuilder.Sql(
                """
                INSERT INTO partner_daily_sales (partner_id, day, currency, orders, revenue, commission, updated_at)
                SELECT partner_id, day, 'XXX', orders, revenue, commission, updated_at
                FROM partner_daily_kpis
                WHERE orders > 0;
                """);

            migrationBuilder.DropColumn(
                name: "commission",
                table: "partner_daily_kpis");

            migrationBuilder.DropColumn(
                name: "revenue",
                table: "partner_daily_kpis");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<decimal>(
                name: "commission",
                table: "partner_daily_kpis",
                type: "numeric(18,2)",
                nullable: false,
                defaultValue: 0m);

            migrationBuilder.AddColumn<decimal>(
                name: "revenue",
                table: "partner_daily_kpis",
                type: "numeric(18,2)",
                nullable: false,
                defaultValue: 0m);

            // Going back sums currencies again: the old schema had nowhere else to put them.
            migrationBuilder.Sql(
                """
                UPDATE partner_daily_kpis AS kpi
                SET revenue = sales.revenue, commission = sales.commission
                FROM (SELECT partner_id, day, SUM(revenue) AS revenue, SUM(commission) AS commission
                      FROM partner_daily_sales GROUP BY partner_id, day) AS sales
                WHERE kpi.partner_id = sales.partner_id AND kpi.day = sales.day;
                """);

            migrationBuilder.DropTable(
                name: "partner_daily_sales");
        }
    }
}
