using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.PartnerPortal.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class WebhookSecretRotatedAt : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Existing subscriptions get null: a rotation made before this column is not recorded.
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "secret_rotated_at",
                table: "webhook_subscriptions",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "secret_rotated_at",
                table: "webhook_subscriptions");
        }
    }
}
