using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.Analytics.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class KpiPairsAndReattribution : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_kpi_aggregates",
                table: "kpi_aggregates");

            migrationBuilder.AddColumn<bool>(
                name: "customer_in_partner_rows",
                table: "orders",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "first_order",
                table: "orders",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "reattributed_at",
                table: "orders",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "dimension_value2",
                table: "kpi_aggregates",
                type: "text",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddPrimaryKey(
                name: "PK_kpi_aggregates",
                table: "kpi_aggregates",
                columns: new[] { "granularity", "dimension", "dimension_value", "dimension_value2", "period", "currency" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_kpi_aggregates",
                table: "kpi_aggregates");

            migrationBuilder.DropColumn(
                name: "customer_in_partner_rows",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "first_order",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "reattributed_at",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "dimension_value2",
                table: "kpi_aggregates");

            migrationBuilder.AddPrimaryKey(
                name: "PK_kpi_aggregates",
                table: "kpi_aggregates",
                columns: new[] { "granularity", "dimension", "dimension_value", "period", "currency" });
        }
    }
}
