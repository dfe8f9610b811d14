using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.PartnerPortal.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class WebhookEventTypesNotNull : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Subscriptions stored before the API refused a null event type: the null goes, the named types stay.
            migrationBuilder.Sql("UPDATE webhook_subscriptions SET event_types = array_remove(event_types, NULL) WHERE array_position(event_types, NULL) IS NOT NULL;");
            migrationBuilder.AddCheckConstraint(
                name: "ck_webhook_subscriptions_event_types_not_null",
                table: "webhook_subscriptions",
                sql: "array_position(event_types, NULL) IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_webhook_subscriptions_event_types_not_null",
                table: "webhook_subscriptions");
        }
    }
}
