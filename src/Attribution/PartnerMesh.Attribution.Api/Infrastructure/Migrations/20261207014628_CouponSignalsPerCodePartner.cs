using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.Attribution.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class CouponSignalsPerCodePartner : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_coupon_signals",
                table: "coupon_signals");

            // Every signal so far named its partner (both consumers set it).
            migrationBuilder.Sql("DELETE FROM coupon_signals WHERE code_partner_id IS NULL");

            migrationBuilder.AlterColumn<Guid>(
                name: "code_partner_id",
                table: "coupon_signals",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"),
                oldClrType: typeof(Guid),
                oldType: "uuid",
                oldNullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "redeemed_at",
                table: "coupon_signals",
                type: "timestamp with time zone",
                nullable: true);

            // An order's one signal named its code partner, leak flag or not: it stays the order's code partner.
            migrationBuilder.Sql("UPDATE coupon_signals SET redeemed_at = updated_at");

            migrationBuilder.AddPrimaryKey(
                name: "PK_coupon_signals",
                table: "coupon_signals",
                columns: new[] { "order_id", "code_partner_id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_coupon_signals",
                table: "coupon_signals");

            // One signal per order again: the code redeemed first.
            migrationBuilder.Sql("""
                DELETE FROM coupon_signals AS s USING coupon_signals AS first
                WHERE s.order_id = first.order_id AND s.code_partner_id <> first.code_partner_id
                  AND (first.redeemed_at, first.code_partner_id) < (s.redeemed_at, s.code_partner_id)
                """);

            migrationBuilder.DropColumn(
                name: "redeemed_at",
                table: "coupon_signals");

            migrationBuilder.AlterColumn<Guid>(
                name: "code_partner_id",
                table: "coupon_signals",
                type: "uuid",
                nullable: true,
                oldClrType: typeof(Guid),
                oldType: "uuid");

            migrationBuilder.AddPrimaryKey(
                name: "PK_coupon_signals",
                table: "coupon_signals",
                column: "order_id");
        }
    }
}
