using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.Coupons.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class OfferPoolsDelayAndAutoRotation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "kind",
                table: "generation_jobs",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "bulk");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "assigned_at",
                table: "coupon_codes",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "auto_rotate_leaked_codes",
                table: "coupon_campaigns",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<TimeSpan>(
                name: "offer_delay",
                table: "coupon_campaigns",
                type: "interval",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "offer_pool_low_watermark",
                table: "coupon_campaigns",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "offer_pool_size",
                table: "coupon_campaigns",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "rotate_after_leaks",
                table: "coupon_campaigns",
                type: "integer",
                nullable: true);

            // Personal codes were issued when they were created.
            migrationBuilder.Sql("UPDATE coupon_codes SET assigned_at = created_at WHERE customer_key IS NOT NULL");

            migrationBuilder.CreateTable(
                name: "pending_offers",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    campaign_id = table.Column<Guid>(type: "uuid", nullable: false),
                    cart_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    customer_key = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    visitor_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    customer_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    email = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: true),
                    due_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_pending_offers", x => x.id);
                    table.ForeignKey(
                        name: "fk_pending_offers_coupon_campaigns_campaign_id",
                        column: x => x.campaign_id,
                        principalTable: "coupon_campaigns",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_coupon_codes_unassigned_pool",
                table: "coupon_codes",
                column: "campaign_id",
                filter: "source = 'pool' AND customer_key IS NULL AND retired_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_pending_offers_campaign_id_cart_id",
                table: "pending_offers",
                columns: new[] { "campaign_id", "cart_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_pending_offers_due_at",
                table: "pending_offers",
                column: "due_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "pending_offers");

            migrationBuilder.DropIndex(
                name: "ix_coupon_codes_unassigned_pool",
                table: "coupon_codes");

            migrationBuilder.DropColumn(
                name: "kind",
                table: "generation_jobs");

            migrationBuilder.DropColumn(
                name: "assigned_at",
                table: "coupon_codes");

            migrationBuilder.DropColumn(
                name: "auto_rotate_leaked_codes",
                table: "coupon_campaigns");

            migrationBuilder.DropColumn(
                name: "offer_delay",
                table: "coupon_campaigns");

            migrationBuilder.DropColumn(
                name: "offer_pool_low_watermark",
                table: "coupon_campaigns");

            migrationBuilder.DropColumn(
                name: "offer_pool_size",
                table: "coupon_campaigns");

            migrationBuilder.DropColumn(
                name: "rotate_after_leaks",
                table: "coupon_campaigns");
        }
    }
}
