using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.Coupons.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class IdempotencyKeyRetention : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_idempotency_keys_created_at",
                table: "idempotency_keys",
                column: "created_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_idempotency_keys_created_at",
                table: "idempotency_keys");
        }
    }
}
