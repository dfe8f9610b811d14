using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.Attribution.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class CreditScopeAndIdempotencyFingerprints : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "idempotency_fingerprint",
                table: "referral_links",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "idempotency_key",
                table: "referral_links",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "idempotency_fingerprint",
                table: "programs",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "idempotency_fingerprint",
                table: "partners",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "credit_scope",
                table: "conversions",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "idempotency_fingerprint",
                table: "agreements",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "idempotency_key",
                table: "agreements",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            // Orders recorded before: attributed ones with a customer are in the credit of their program (best knowledge).
            migrationBuilder.Sql("""
                UPDATE conversions SET credit_scope = COALESCE(program_id, '00000000-0000-0000-0000-000000000000')
                WHERE attributed AND customer_id IS NOT NULL AND status NOT IN ('refunded', 'cancelled');
                """);

            migrationBuilder.CreateIndex(
                name: "ux_referral_links_idempotency_key",
                table: "referral_links",
                column: "idempotency_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ux_agreements_idempotency_key",
                table: "agreements",
                column: "idempotency_key",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ux_referral_links_idempotency_key",
                table: "referral_links");

            migrationBuilder.DropIndex(
                name: "ux_agreements_idempotency_key",
                table: "agreements");

            migrationBuilder.DropColumn(
                name: "idempotency_fingerprint",
                table: "referral_links");

            migrationBuilder.DropColumn(
                name: "idempotency_key",
                table: "referral_links");

            migrationBuilder.DropColumn(
                name: "idempotency_fingerprint",
                table: "programs");

            migrationBuilder.DropColumn(
                name: "idempotency_fingerprint",
                table: "partners");

            migrationBuilder.DropColumn(
                name: "credit_scope",
                table: "conversions");

            migrationBuilder.DropColumn(
                name: "idempotency_fingerprint",
                table: "agreements");

            migrationBuilder.DropColumn(
                name: "idempotency_key",
                table: "agreements");
        }
    }
}
