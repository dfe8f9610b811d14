using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.Coupons.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class CustomerEmailKeyRefundIdsIdempotencyKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "customer_email_key",
                table: "coupon_codes",
                type: "character varying(300)",
                maxLength: 300,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "coupon_refunds",
                columns: table => new
                {
                    refund_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    order_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    amount = table.Column<decimal>(type: "numeric(20,4)", precision: 20, scale: 4, nullable: true),
                    refunded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    response = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_coupon_refunds", x => x.refund_id);
                });

            migrationBuilder.CreateTable(
                name: "idempotency_keys",
                columns: table => new
                {
                    operation = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    key = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    fingerprint = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    resource_id = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_idempotency_keys", x => new { x.operation, x.key });
                });

            migrationBuilder.CreateIndex(
                name: "ix_coupon_codes_customer_email_key",
                table: "coupon_codes",
                column: "customer_email_key",
                filter: "customer_email_key IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_coupon_refunds_order_id",
                table: "coupon_refunds",
                column: "order_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "coupon_refunds");

            migrationBuilder.DropTable(
                name: "idempotency_keys");

            migrationBuilder.DropIndex(
                name: "ix_coupon_codes_customer_email_key",
                table: "coupon_codes");

            migrationBuilder.DropColumn(
                name: "customer_email_key",
                table: "coupon_codes");
        }
    }
}
