using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.Attribution.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class ProgramsCommissionsPayouts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ux_commissions_conversion_id",
                table: "commissions");

            migrationBuilder.AddColumn<decimal>(
                name: "budget",
                table: "partners",
                type: "numeric(18,4)",
                precision: 18,
                scale: 4,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "customer_id",
                table: "partners",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "program_id",
                table: "partners",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "status",
                table: "partners",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "active");

            migrationBuilder.AlterColumn<decimal>(
                name: "commission_amount",
                table: "conversions",
                type: "numeric(18,4)",
                precision: 18,
                scale: 4,
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(18,2)",
                oldPrecision: 18,
                oldScale: 2);

            migrationBuilder.AlterColumn<decimal>(
                name: "amount",
                table: "conversions",
                type: "numeric(18,4)",
                precision: 18,
                scale: 4,
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(18,2)",
                oldPrecision: 18,
                oldScale: 2);

            migrationBuilder.AddColumn<string>(
                name: "commission_note",
                table: "conversions",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "coupon_code",
                table: "conversions",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "customer_email",
                table: "conversions",
                type: "character varying(254)",
                maxLength: 254,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "customer_id",
                table: "conversions",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "lines",
                table: "conversions",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "program_id",
                table: "conversions",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<decimal>(
                name: "refunded_amount",
                table: "conversions",
                type: "numeric(18,4)",
                precision: 18,
                scale: 4,
                nullable: false,
                defaultValue: 0m);

            migrationBuilder.AddColumn<Guid>(
                name: "reported_click_id",
                table: "conversions",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "status",
                table: "conversions",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "completed");

            migrationBuilder.AddColumn<string>(
                name: "visitor_id",
                table: "conversions",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AlterColumn<decimal>(
                name: "rate",
                table: "commissions",
                type: "numeric(5,4)",
                precision: 5,
                scale: 4,
                nullable: true,
                oldClrType: typeof(decimal),
                oldType: "numeric(5,4)",
                oldPrecision: 5,
                oldScale: 4);

            migrationBuilder.AlterColumn<Guid>(
                name: "conversion_id",
                table: "commissions",
                type: "uuid",
                nullable: true,
                oldClrType: typeof(Guid),
                oldType: "uuid");

            migrationBuilder.AlterColumn<decimal>(
                name: "amount",
                table: "commissions",
                type: "numeric(18,4)",
                precision: 18,
                scale: 4,
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(18,2)",
                oldPrecision: 18,
                oldScale: 2);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "approved_at",
                table: "commissions",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "entry_key",
                table: "commissions",
                type: "character varying(300)",
                maxLength: 300,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "hold_reasons",
                table: "commissions",
                type: "character varying(300)",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "hold_until",
                table: "commissions",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)));

            migrationBuilder.AddColumn<string>(
                name: "kind",
                table: "commissions",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "note",
                table: "commissions",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "order_id",
                table: "commissions",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "original_commission_id",
                table: "commissions",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "paid_at",
                table: "commissions",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "payout_batch_id",
                table: "commissions",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "plan_version",
                table: "commissions",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "program_id",
                table: "commissions",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "refund_id",
                table: "commissions",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "duplicates",
                table: "clicks",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "landing_url",
                table: "clicks",
                type: "character varying(2048)",
                maxLength: 2048,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "li_fat_id",
                table: "clicks",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "rdclid",
                table: "clicks",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "source",
                table: "clicks",
                type: "character varying(10)",
                maxLength: 10,
                nullable: false,
                defaultValue: "redirect");

            migrationBuilder.AddColumn<string>(
                name: "source_key",
                table: "clicks",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "twclid",
                table: "clicks",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "coupon_signals",
                columns: table => new
                {
                    order_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    code_partner_id = table.Column<Guid>(type: "uuid", nullable: true),
                    code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    leak_reason = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_coupon_signals", x => x.order_id);
                });

            migrationBuilder.CreateTable(
                name: "customer_credits",
                columns: table => new
                {
                    scope = table.Column<Guid>(type: "uuid", nullable: false),
                    customer_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    partner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    first_conversion_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    order_count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_customer_credits", x => new { x.scope, x.customer_id });
                });

            migrationBuilder.CreateTable(
                name: "payout_batches",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    idempotency_key = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_payout_batches", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "programs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    currency = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    attribution_model = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    window_days = table.Column<int>(type: "integer", nullable: false),
                    coupon_precedence = table.Column<bool>(type: "boolean", nullable: false),
                    customer_carries_credit = table.Column<bool>(type: "boolean", nullable: false),
                    duplicate_click_window_seconds = table.Column<int>(type: "integer", nullable: false),
                    hold_days = table.Column<int>(type: "integer", nullable: false),
                    no_paid_search = table.Column<bool>(type: "boolean", nullable: false),
                    min_seconds_to_conversion = table.Column<int>(type: "integer", nullable: false),
                    click_flood_threshold = table.Column<int>(type: "integer", nullable: false),
                    fallback_url = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: true),
                    allowed_hosts = table.Column<List<string>>(type: "text[]", nullable: false),
                    budget = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: true),
                    partner_budget = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: true),
                    plan_version = table.Column<int>(type: "integer", nullable: false),
                    plan = table.Column<string>(type: "jsonb", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_programs", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "refunds",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    refund_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    conversion_id = table.Column<Guid>(type: "uuid", nullable: false),
                    order_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    amount = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false),
                    currency = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    is_full_refund = table.Column<bool>(type: "boolean", nullable: false),
                    commission_reversed = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false),
                    refunded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_refunds", x => x.id);
                    table.ForeignKey(
                        name: "fk_refunds_conversions_conversion_id",
                        column: x => x.conversion_id,
                        principalTable: "conversions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "payout_items",
                columns: table => new
                {
                    batch_id = table.Column<Guid>(type: "uuid", nullable: false),
                    partner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    currency = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    amount = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false),
                    entry_count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_payout_items", x => new { x.batch_id, x.partner_id, x.currency });
                    table.ForeignKey(
                        name: "fk_payout_items_payout_batches_batch_id",
                        column: x => x.batch_id,
                        principalTable: "payout_batches",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "agreements",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    program_id = table.Column<Guid>(type: "uuid", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    body = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_agreements", x => x.id);
                    table.ForeignKey(
                        name: "fk_agreements_programs_program_id",
                        column: x => x.program_id,
                        principalTable: "programs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "plan_versions",
                columns: table => new
                {
                    program_id = table.Column<Guid>(type: "uuid", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    plan = table.Column<string>(type: "jsonb", nullable: false),
                    effective_from = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_plan_versions", x => new { x.program_id, x.version });
                    table.ForeignKey(
                        name: "fk_plan_versions_programs_program_id",
                        column: x => x.program_id,
                        principalTable: "programs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "agreement_acceptances",
                columns: table => new
                {
                    agreement_id = table.Column<Guid>(type: "uuid", nullable: false),
                    partner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    accepted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_agreement_acceptances", x => new { x.agreement_id, x.partner_id });
                    table.ForeignKey(
                        name: "fk_agreement_acceptances_agreements_agreement_id",
                        column: x => x.agreement_id,
                        principalTable: "agreements",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_agreement_acceptances_partners_partner_id",
                        column: x => x.partner_id,
                        principalTable: "partners",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ux_partners_program_id_customer_id",
                table: "partners",
                columns: new[] { "program_id", "customer_id" },
                unique: true,
                filter: "customer_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_conversions_partner_id_created_at",
                table: "conversions",
                columns: new[] { "partner_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_commissions_conversion_id",
                table: "commissions",
                column: "conversion_id");

            migrationBuilder.CreateIndex(
                name: "ix_commissions_program_id",
                table: "commissions",
                column: "program_id");

            migrationBuilder.CreateIndex(
                name: "ix_commissions_status_hold_until",
                table: "commissions",
                columns: new[] { "status", "hold_until" });

            // Commissions booked before entries had keys are the one sale of their conversion; they keep a 30-day hold.
            migrationBuilder.Sql("UPDATE commissions SET entry_key = 'sale:' || conversion_id, kind = 'sale', hold_until = created_at + interval '30 days' WHERE entry_key = ''");
            migrationBuilder.Sql("UPDATE conversions SET reported_click_id = click_id");

            migrationBuilder.CreateIndex(
                name: "ux_commissions_entry_key",
                table: "commissions",
                column: "entry_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_clicks_source_key_occurred_at",
                table: "clicks",
                columns: new[] { "source_key", "occurred_at" });

            migrationBuilder.CreateIndex(
                name: "ix_clicks_visitor_id_occurred_at",
                table: "clicks",
                columns: new[] { "visitor_id", "occurred_at" });

            migrationBuilder.CreateIndex(
                name: "ix_agreement_acceptances_partner_id",
                table: "agreement_acceptances",
                column: "partner_id");

            migrationBuilder.CreateIndex(
                name: "ux_agreements_program_id_version",
                table: "agreements",
                columns: new[] { "program_id", "version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ux_payout_batches_idempotency_key",
                table: "payout_batches",
                column: "idempotency_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_payout_items_partner_id",
                table: "payout_items",
                column: "partner_id");

            migrationBuilder.CreateIndex(
                name: "ix_refunds_conversion_id",
                table: "refunds",
                column: "conversion_id");

            migrationBuilder.CreateIndex(
                name: "ux_refunds_refund_id",
                table: "refunds",
                column: "refund_id",
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "fk_partners_programs_program_id",
                table: "partners",
                column: "program_id",
                principalTable: "programs",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_partners_programs_program_id",
                table: "partners");

            migrationBuilder.DropTable(
                name: "agreement_acceptances");

            migrationBuilder.DropTable(
                name: "coupon_signals");

            migrationBuilder.DropTable(
                name: "customer_credits");

            migrationBuilder.DropTable(
                name: "payout_items");

            migrationBuilder.DropTable(
                name: "plan_versions");

            migrationBuilder.DropTable(
                name: "refunds");

            migrationBuilder.DropTable(
                name: "agreements");

            migrationBuilder.DropTable(
                name: "payout_batches");

            migrationBuilder.DropTable(
                name: "programs");

            migrationBuilder.DropIndex(
                name: "ux_partners_program_id_customer_id",
                table: "partners");

            migrationBuilder.DropIndex(
                name: "ix_conversions_partner_id_created_at",
                table: "conversions");

            migrationBuilder.DropIndex(
                name: "ix_commissions_conversion_id",
                table: "commissions");

            migrationBuilder.DropIndex(
                name: "ix_commissions_program_id",
                table: "commissions");

            migrationBuilder.DropIndex(
                name: "ix_commissions_status_hold_until",
                table: "commissions");

            migrationBuilder.DropIndex(
                name: "ux_commissions_entry_key",
                table: "commissions");

            migrationBuilder.DropIndex(
                name: "ix_clicks_source_key_occurred_at",
                table: "clicks");

            migrationBuilder.DropIndex(
                name: "ix_clicks_visitor_id_occurred_at",
                table: "clicks");

            migrationBuilder.DropColumn(
                name: "budget",
                table: "partners");

            migrationBuilder.DropColumn(
                name: "customer_id",
                table: "partners");

            migrationBuilder.DropColumn(
                name: "program_id",
                table: "partners");

            migrationBuilder.DropColumn(
                name: "status",
                table: "partners");

            migrationBuilder.DropColumn(
                name: "commission_note",
                table: "conversions");

            migrationBuilder.DropColumn(
                name: "coupon_code",
                table: "conversions");

            migrationBuilder.DropColumn(
                name: "customer_email",
                table: "conversions");

            migrationBuilder.DropColumn(
                name: "customer_id",
                table: "conversions");

            migrationBuilder.DropColumn(
                name: "lines",
                table: "conversions");

            migrationBuilder.DropColumn(
                name: "program_id",
                table: "conversions");

            migrationBuilder.DropColumn(
                name: "refunded_amount",
                table: "conversions");

            migrationBuilder.DropColumn(
                name: "reported_click_id",
                table: "conversions");

            migrationBuilder.DropColumn(
                name: "status",
                table: "conversions");

            migrationBuilder.DropColumn(
                name: "visitor_id",
                table: "conversions");

            migrationBuilder.DropColumn(
                name: "approved_at",
                table: "commissions");

            migrationBuilder.DropColumn(
                name: "entry_key",
                table: "commissions");

            migrationBuilder.DropColumn(
                name: "hold_reasons",
                table: "commissions");

            migrationBuilder.DropColumn(
                name: "hold_until",
                table: "commissions");

            migrationBuilder.DropColumn(
                name: "kind",
                table: "commissions");

            migrationBuilder.DropColumn(
                name: "note",
                table: "commissions");

            migrationBuilder.DropColumn(
                name: "order_id",
                table: "commissions");

            migrationBuilder.DropColumn(
                name: "original_commission_id",
                table: "commissions");

            migrationBuilder.DropColumn(
                name: "paid_at",
                table: "commissions");

            migrationBuilder.DropColumn(
                name: "payout_batch_id",
                table: "commissions");

            migrationBuilder.DropColumn(
                name: "plan_version",
                table: "commissions");

            migrationBuilder.DropColumn(
                name: "program_id",
                table: "commissions");

            migrationBuilder.DropColumn(
                name: "refund_id",
                table: "commissions");

            migrationBuilder.DropColumn(
                name: "duplicates",
                table: "clicks");

            migrationBuilder.DropColumn(
                name: "landing_url",
                table: "clicks");

            migrationBuilder.DropColumn(
                name: "li_fat_id",
                table: "clicks");

            migrationBuilder.DropColumn(
                name: "rdclid",
                table: "clicks");

            migrationBuilder.DropColumn(
                name: "source",
                table: "clicks");

            migrationBuilder.DropColumn(
                name: "source_key",
                table: "clicks");

            migrationBuilder.DropColumn(
                name: "twclid",
                table: "clicks");

            migrationBuilder.AlterColumn<decimal>(
                name: "commission_amount",
                table: "conversions",
                type: "numeric(18,2)",
                precision: 18,
                scale: 2,
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(18,4)",
                oldPrecision: 18,
                oldScale: 4);

            migrationBuilder.AlterColumn<decimal>(
                name: "amount",
                table: "conversions",
                type: "numeric(18,2)",
                precision: 18,
                scale: 2,
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(18,4)",
                oldPrecision: 18,
                oldScale: 4);

            migrationBuilder.AlterColumn<decimal>(
                name: "rate",
                table: "commissions",
                type: "numeric(5,4)",
                precision: 5,
                scale: 4,
                nullable: false,
                defaultValue: 0m,
                oldClrType: typeof(decimal),
                oldType: "numeric(5,4)",
                oldPrecision: 5,
                oldScale: 4,
                oldNullable: true);

            migrationBuilder.AlterColumn<Guid>(
                name: "conversion_id",
                table: "commissions",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"),
                oldClrType: typeof(Guid),
                oldType: "uuid",
                oldNullable: true);

            migrationBuilder.AlterColumn<decimal>(
                name: "amount",
                table: "commissions",
                type: "numeric(18,2)",
                precision: 18,
                scale: 2,
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(18,4)",
                oldPrecision: 18,
                oldScale: 4);

            migrationBuilder.CreateIndex(
                name: "ux_commissions_conversion_id",
                table: "commissions",
                column: "conversion_id",
                unique: true);
        }
    }
}
