using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.Coupons.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class CouponsCore : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "coupon_campaigns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    promotion_id = table.Column<Guid>(type: "uuid", nullable: false),
                    starts_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ends_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    max_uses = table.Column<int>(type: "integer", nullable: true),
                    max_uses_per_code = table.Column<int>(type: "integer", nullable: true),
                    max_uses_per_customer = table.Column<int>(type: "integer", nullable: true),
                    max_uses_per_partner = table.Column<int>(type: "integer", nullable: true),
                    minimum_cart_value = table.Column<decimal>(type: "numeric(20,4)", precision: 20, scale: 4, nullable: true),
                    currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: true),
                    stackable = table.Column<bool>(type: "boolean", nullable: false),
                    require_reservation = table.Column<bool>(type: "boolean", nullable: false),
                    partner_ids = table.Column<Guid[]>(type: "uuid[]", nullable: false),
                    abandoned_cart_offers = table.Column<bool>(type: "boolean", nullable: false),
                    offer_validity = table.Column<TimeSpan>(type: "interval", nullable: true),
                    offer_cooldown = table.Column<TimeSpan>(type: "interval", nullable: true),
                    offer_minimum_cart_total = table.Column<decimal>(type: "numeric(20,4)", precision: 20, scale: 4, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_coupon_campaigns", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "coupon_counters",
                columns: table => new
                {
                    key = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    uses = table.Column<int>(type: "integer", nullable: false),
                    max_uses = table.Column<int>(type: "integer", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_coupon_counters", x => x.key);
                    table.CheckConstraint("ck_coupon_counters_uses_not_negative", "uses >= 0");
                });

            migrationBuilder.CreateTable(
                name: "coupon_redemptions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    order_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    code_id = table.Column<Guid>(type: "uuid", nullable: false),
                    campaign_id = table.Column<Guid>(type: "uuid", nullable: false),
                    promotion_id = table.Column<Guid>(type: "uuid", nullable: false),
                    code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    reservation_id = table.Column<Guid>(type: "uuid", nullable: true),
                    customer_key = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    partner_id = table.Column<Guid>(type: "uuid", nullable: true),
                    traffic_partner_id = table.Column<Guid>(type: "uuid", nullable: true),
                    order_total = table.Column<decimal>(type: "numeric(20,4)", precision: 20, scale: 4, nullable: false),
                    currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    refunded_amount = table.Column<decimal>(type: "numeric(20,4)", precision: 20, scale: 4, nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    redeemed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    restored_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    counter_keys = table.Column<string[]>(type: "text[]", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_coupon_redemptions", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "coupon_reservations",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    code_id = table.Column<Guid>(type: "uuid", nullable: false),
                    campaign_id = table.Column<Guid>(type: "uuid", nullable: false),
                    promotion_id = table.Column<Guid>(type: "uuid", nullable: false),
                    code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    checkout_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    customer_key = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    partner_id = table.Column<Guid>(type: "uuid", nullable: true),
                    traffic_partner_id = table.Column<Guid>(type: "uuid", nullable: true),
                    cart_total = table.Column<decimal>(type: "numeric(20,4)", precision: 20, scale: 4, nullable: false),
                    currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    settled_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    order_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    counter_keys = table.Column<string[]>(type: "text[]", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_coupon_reservations", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "generation_jobs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    campaign_id = table.Column<Guid>(type: "uuid", nullable: false),
                    pattern = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    prefix = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    suffix = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    count = table.Column<int>(type: "integer", nullable: false),
                    generated = table.Column<int>(type: "integer", nullable: false),
                    partner_id = table.Column<Guid>(type: "uuid", nullable: true),
                    max_uses_per_code = table.Column<int>(type: "integer", nullable: true),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    error = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    heartbeat_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_generation_jobs", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "coupon_codes",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    campaign_id = table.Column<Guid>(type: "uuid", nullable: false),
                    code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    partner_id = table.Column<Guid>(type: "uuid", nullable: true),
                    max_uses = table.Column<int>(type: "integer", nullable: true),
                    source = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    generation_job_id = table.Column<Guid>(type: "uuid", nullable: true),
                    customer_key = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_coupon_codes", x => x.id);
                    table.ForeignKey(
                        name: "fk_coupon_codes_coupon_campaigns_campaign_id",
                        column: x => x.campaign_id,
                        principalTable: "coupon_campaigns",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_coupon_codes_campaign_id",
                table: "coupon_codes",
                column: "campaign_id");

            migrationBuilder.CreateIndex(
                name: "ix_coupon_codes_customer_key",
                table: "coupon_codes",
                column: "customer_key",
                filter: "customer_key IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_coupon_codes_generation_job_id",
                table: "coupon_codes",
                column: "generation_job_id",
                filter: "generation_job_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ux_coupon_codes_code",
                table: "coupon_codes",
                column: "code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_coupon_redemptions_campaign_id_status",
                table: "coupon_redemptions",
                columns: new[] { "campaign_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ux_coupon_redemptions_order_code",
                table: "coupon_redemptions",
                columns: new[] { "order_id", "code_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_coupon_reservations_campaign_id_status",
                table: "coupon_reservations",
                columns: new[] { "campaign_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_coupon_reservations_expires_at",
                table: "coupon_reservations",
                column: "expires_at",
                filter: "status = 'held'");

            migrationBuilder.CreateIndex(
                name: "ux_coupon_reservations_held_checkout",
                table: "coupon_reservations",
                columns: new[] { "checkout_id", "code_id" },
                unique: true,
                filter: "status = 'held' AND checkout_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_generation_jobs_created_at",
                table: "generation_jobs",
                column: "created_at",
                filter: "status IN ('queued', 'running')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "coupon_codes");

            migrationBuilder.DropTable(
                name: "coupon_counters");

            migrationBuilder.DropTable(
                name: "coupon_redemptions");

            migrationBuilder.DropTable(
                name: "coupon_reservations");

            migrationBuilder.DropTable(
                name: "generation_jobs");

            migrationBuilder.DropTable(
                name: "coupon_campaigns");
        }
    }
}
