using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.Attribution.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class IdempotencyKeyRetention : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_idempotency_records_created_at",
                table: "idempotency_records",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_click_idempotency_keys_created_at",
                table: "click_idempotency_keys",
                column: "created_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_idempotency_records_created_at",
                table: "idempotency_records");

            migrationBuilder.DropIndex(
                name: "ix_click_idempotency_keys_created_at",
                table: "click_idempotency_keys");
        }
    }
}
