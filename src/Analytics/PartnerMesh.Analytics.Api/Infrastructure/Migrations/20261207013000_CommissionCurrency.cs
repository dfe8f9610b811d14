using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.Analytics.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class CommissionCurrency : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The commission's currency beside the order's (a fixed EUR commission on a JPY order). Orders counted before
            // keep null: their commission was told in the order's currency.
            migrationBuilder.AddColumn<string>(
                name: "commission_currency",
                table: "orders",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "commission_currency",
                table: "attributed_orders",
                type: "character(3)",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "commission_currency",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "commission_currency",
                table: "attributed_orders");
        }
    }
}
