using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.Promotions.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class WideBudgetSpend : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<decimal>(
                name: "spend",
                table: "budget_counters",
                type: "numeric(28,4)",
                precision: 28,
                scale: 4,
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(20,4)",
                oldPrecision: 20,
                oldScale: 4);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<decimal>(
                name: "spend",
                table: "budget_counters",
                type: "numeric(20,4)",
                precision: 20,
                scale: 4,
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(28,4)",
                oldPrecision: 28,
                oldScale: 4);
        }
    }
}
