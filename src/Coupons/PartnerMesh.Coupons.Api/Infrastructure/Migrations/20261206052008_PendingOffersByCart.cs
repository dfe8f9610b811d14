using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.Coupons.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class PendingOffersByCart : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_pending_offers_cart_id",
                table: "pending_offers",
                column: "cart_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_pending_offers_cart_id",
                table: "pending_offers");
        }
    }
}
