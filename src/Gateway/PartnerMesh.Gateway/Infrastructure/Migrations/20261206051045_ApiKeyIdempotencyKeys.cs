using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.Gateway.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class ApiKeyIdempotencyKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "idempotency_key",
                table: "api_keys",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "request_hash",
                table: "api_keys",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ux_api_keys_idempotency_key",
                table: "api_keys",
                column: "idempotency_key",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ux_api_keys_idempotency_key",
                table: "api_keys");

            migrationBuilder.DropColumn(
                name: "idempotency_key",
                table: "api_keys");

            migrationBuilder.DropColumn(
                name: "request_hash",
                table: "api_keys");
        }
    }
}
