using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.Promotions.Api.Infrastructure.Migrations
{
    /// <summary>
    /// Experiment and product-page content money per currency: <c>experiment_variant_sales</c> keeps orders, revenue,
    /// revenue² and discount per (experiment or content entry, variant, currency). <c>experiment_variant_stats</c> keeps
    /// exposures, conversions and orders (every currency) and loses its revenue, revenue² and discount columns: those sums
    /// added amounts in different currencies together and say nothing of which, so they cannot be split and are NOT
    /// carried over — results show money only for orders verified after this migration. (Down brings the columns back at 0.)
    /// </summary>
    public partial class ExperimentSalesPerCurrency : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "discount",
                table: "experiment_variant_stats");

            migrationBuilder.DropColumn(
                name: "revenue",
                table: "experiment_variant_stats");

            migrationBuilder.DropColumn(
                name: "revenue_squares",
                table: "experiment_variant_stats");

            migrationBuilder.CreateTable(
                name: "experiment_variant_sales",
                columns: table => new
                {
                    experiment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    variant = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    orders = table.Column<long>(type: "bigint", nullable: false),
                    revenue = table.Column<decimal>(type: "numeric(24,4)", precision: 24, scale: 4, nullable: false),
                    revenue_squares = table.Column<decimal>(type: "numeric(38,4)", precision: 38, scale: 4, nullable: false),
                    discount = table.Column<decimal>(type: "numeric(24,4)", precision: 24, scale: 4, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_experiment_variant_sales", x => new { x.experiment_id, x.variant, x.currency });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "experiment_variant_sales");

            migrationBuilder.AddColumn<decimal>(
                name: "discount",
                table: "experiment_variant_stats",
                type: "numeric(24,4)",
                precision: 24,
                scale: 4,
                nullable: false,
                defaultValue: 0m);

            migrationBuilder.AddColumn<decimal>(
                name: "revenue",
                table: "experiment_variant_stats",
                type: "numeric(24,4)",
                precision: 24,
                scale: 4,
                nullable: false,
                defaultValue: 0m);

            migrationBuilder.AddColumn<decimal>(
                name: "revenue_squares",
                table: "experiment_variant_stats",
                type: "numeric(38,4)",
                precision: 38,
                scale: 4,
                nullable: false,
                defaultValue: 0m);
        }
    }
}
