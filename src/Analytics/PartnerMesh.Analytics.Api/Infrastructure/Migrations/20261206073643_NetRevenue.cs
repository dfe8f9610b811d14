using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.Analytics.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class NetRevenue : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "cancelled",
                table: "orders",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<decimal>(
                name: "commission_reversed",
                table: "orders",
                type: "numeric(20,4)",
                nullable: false,
                defaultValue: 0m);

            migrationBuilder.AddColumn<decimal>(
                name: "net_amount",
                table: "orders",
                type: "numeric(20,4)",
                nullable: false,
                defaultValue: 0m);

            migrationBuilder.AddColumn<long>(
                name: "cancelled_orders",
                table: "kpi_aggregates",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<decimal>(
                name: "gross_revenue",
                table: "kpi_aggregates",
                type: "numeric(20,4)",
                nullable: false,
                defaultValue: 0m);

            // Revenue so far was gross: it is the gross figure, and each order's net is its total, so that moving an order
            // between partners moves what was counted. History is netted by a replay (POST /api/analytics/admin/replay).
            migrationBuilder.Sql("UPDATE kpi_aggregates SET gross_revenue = revenue WHERE currency <> ''");
            migrationBuilder.Sql("UPDATE orders SET net_amount = amount");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "cancelled",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "commission_reversed",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "net_amount",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "cancelled_orders",
                table: "kpi_aggregates");

            migrationBuilder.DropColumn(
                name: "gross_revenue",
                table: "kpi_aggregates");
        }
    }
}
