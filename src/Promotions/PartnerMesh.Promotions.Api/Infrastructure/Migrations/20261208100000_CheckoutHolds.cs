using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.Promotions.Api.Infrastructure.Migrations
{
    /// <summary>
    /// A budget hold names the checkout it is for (the evaluation's <c>checkoutId</c>), and a checkout holds at most one:
    /// each evaluation of it replaces the hold of the one before.
    /// </summary>
    [DbContext(typeof(PromotionsDbContext))]
    [Migration("20261208100000_CheckoutHolds")]
    public partial class CheckoutHolds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "checkout_id",
                table: "budget_reservations",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_budget_reservations_checkout_id",
                table: "budget_reservations",
                column: "checkout_id",
                unique: true,
                filter: "checkout_id IS NOT NULL AND status = 'Held'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_budget_reservations_checkout_id",
                table: "budget_reservations");

            migrationBuilder.DropColumn(
                name: "checkout_id",
                table: "budget_reservations");
        }
    }
}
