using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.PartnerPortal.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class WebhookAndAccountIdempotencyKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "idempotency_key",
                table: "webhook_subscriptions",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "idempotency_key",
                table: "portal_accounts",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ux_webhook_subscriptions_owner_idempotency_key",
                table: "webhook_subscriptions",
                columns: new[] { "partner_id", "idempotency_key" },
                unique: true,
                filter: "idempotency_key IS NOT NULL")
                .Annotation("Npgsql:NullsDistinct", false);

            migrationBuilder.CreateIndex(
                name: "ux_portal_accounts_idempotency_key",
                table: "portal_accounts",
                column: "idempotency_key",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ux_webhook_subscriptions_owner_idempotency_key",
                table: "webhook_subscriptions");

            migrationBuilder.DropIndex(
                name: "ux_portal_accounts_idempotency_key",
                table: "portal_accounts");

            migrationBuilder.DropColumn(
                name: "idempotency_key",
                table: "webhook_subscriptions");

            migrationBuilder.DropColumn(
                name: "idempotency_key",
                table: "portal_accounts");
        }
    }
}
