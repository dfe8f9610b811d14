using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.Analytics.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class WideMoneyColumns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<decimal>(
                name: "revenue",
                table: "partner_daily_sales",
                type: "numeric(28,4)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(20,4)");

            migrationBuilder.AlterColumn<decimal>(
                name: "gross_revenue",
                table: "partner_daily_sales",
                type: "numeric(28,4)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(20,4)");

            migrationBuilder.AlterColumn<decimal>(
                name: "commission",
                table: "partner_daily_sales",
                type: "numeric(28,4)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(20,4)");

            migrationBuilder.AlterColumn<decimal>(
                name: "refunded_amount",
                table: "orders",
                type: "numeric(28,4)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(20,4)");

            migrationBuilder.AlterColumn<decimal>(
                name: "net_amount",
                table: "orders",
                type: "numeric(28,4)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(20,4)");

            migrationBuilder.AlterColumn<decimal>(
                name: "commission_reversed",
                table: "orders",
                type: "numeric(28,4)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(20,4)");

            migrationBuilder.AlterColumn<decimal>(
                name: "commission",
                table: "orders",
                type: "numeric(28,4)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(20,4)");

            migrationBuilder.AlterColumn<decimal>(
                name: "amount",
                table: "orders",
                type: "numeric(28,4)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(20,4)");

            migrationBuilder.AlterColumn<decimal>(
                name: "revenue",
                table: "kpi_aggregates",
                type: "numeric(28,4)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(20,4)");

            migrationBuilder.AlterColumn<decimal>(
                name: "refunded_amount",
                table: "kpi_aggregates",
                type: "numeric(28,4)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(20,4)");

            migrationBuilder.AlterColumn<decimal>(
                name: "partner_revenue",
                table: "kpi_aggregates",
                type: "numeric(28,4)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(20,4)");

            migrationBuilder.AlterColumn<decimal>(
                name: "gross_revenue",
                table: "kpi_aggregates",
                type: "numeric(28,4)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(20,4)");

            migrationBuilder.AlterColumn<decimal>(
                name: "commission",
                table: "kpi_aggregates",
                type: "numeric(28,4)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(20,4)");

            migrationBuilder.AlterColumn<decimal>(
                name: "total",
                table: "carts",
                type: "numeric(28,4)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(20,4)");

            migrationBuilder.AlterColumn<decimal>(
                name: "refunded_amount",
                table: "attributed_orders",
                type: "numeric(28,4)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(20,4)");

            migrationBuilder.AlterColumn<decimal>(
                name: "commission_reversed",
                table: "attributed_orders",
                type: "numeric(28,4)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(20,4)");

            migrationBuilder.AlterColumn<decimal>(
                name: "commission",
                table: "attributed_orders",
                type: "numeric(28,4)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(20,4)");

            migrationBuilder.AlterColumn<decimal>(
                name: "amount",
                table: "attributed_orders",
                type: "numeric(28,4)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(20,4)");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<decimal>(
                name: "revenue",
                table: "partner_daily_sales",
                type: "numeric(20,4)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(28,4)");

            migrationBuilder.AlterColumn<decimal>(
                name: "gross_revenue",
                table: "partner_daily_sales",
                type: "numeric(20,4)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(28,4)");

            migrationBuilder.AlterColumn<decimal>(
                name: "commission",
                table: "partner_daily_sales",
                type: "numeric(20,4)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(28,4)");

            migrationBuilder.AlterColumn<decimal>(
                name: "refunded_amount",
                table: "orders",
                type: "numeric(20,4)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(28,4)");

            migrationBuilder.AlterColumn<decimal>(
                name: "net_amount",
                table: "orders",
                type: "numeric(20,4)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(28,4)");

            migrationBuilder.AlterColumn<decimal>(
                name: "commission_reversed",
                table: "orders",
                type: "numeric(20,4)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(28,4)");

            migrationBuilder.AlterColumn<decimal>(
                name: "commission",
                table: "orders",
                type: "numeric(20,4)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(28,4)");

            migrationBuilder.AlterColumn<decimal>(
                name: "amount",
                table: "orders",
                type: "numeric(20,4)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(28,4)");

            migrationBuilder.AlterColumn<decimal>(
                name: "revenue",
                table: "kpi_aggregates",
                type: "numeric(20,4)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(28,4)");

            migrationBuilder.AlterColumn<decimal>(
                name: "refunded_amount",
                table: "kpi_aggregates",
                type: "numeric(20,4)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(28,4)");

            migrationBuilder.AlterColumn<decimal>(
                name: "partner_revenue",
                table: "kpi_aggregates",
                type: "numeric(20,4)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(28,4)");

            migrationBuilder.AlterColumn<decimal>(
                name: "gross_revenue",
                table: "kpi_aggregates",
                type: "numeric(20,4)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(28,4)");

            migrationBuilder.AlterColumn<decimal>(
                name: "commission",
                table: "kpi_aggregates",
                type: "numeric(20,4)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(28,4)");

            migrationBuilder.AlterColumn<decimal>(
                name: "total",
                table: "carts",
                type: "numeric(20,4)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(28,4)");

            migrationBuilder.AlterColumn<decimal>(
                name: "refunded_amount",
                table: "attributed_orders",
                type: "numeric(20,4)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(28,4)");

            migrationBuilder.AlterColumn<decimal>(
                name: "commission_reversed",
                table: "attributed_orders",
                type: "numeric(20,4)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(28,4)");

            migrationBuilder.AlterColumn<decimal>(
                name: "commission",
                table: "attributed_orders",
                type: "numeric(20,4)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(28,4)");

            migrationBuilder.AlterColumn<decimal>(
                name: "amount",
                table: "attributed_orders",
                type: "numeric(20,4)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(28,4)");
        }
    }
}
