using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.Promotions.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class EvaluationLog : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "evaluation_log",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    logged_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    outcome = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    order_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    quote_id = table.Column<Guid>(type: "uuid", nullable: true),
                    visitor_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    customer_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    partner_id = table.Column<Guid>(type: "uuid", nullable: true),
                    touchpoint = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    rule_set_version = table.Column<long>(type: "bigint", nullable: true),
                    currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: true),
                    grand_total = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: true),
                    discount_total = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: true),
                    promotion_ids = table.Column<Guid[]>(type: "uuid[]", nullable: false),
                    summary = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_evaluation_log", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_evaluation_log_logged_at",
                table: "evaluation_log",
                column: "logged_at");

            migrationBuilder.CreateIndex(
                name: "ix_evaluation_log_order_id",
                table: "evaluation_log",
                column: "order_id",
                filter: "order_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_evaluation_log_promotion_ids",
                table: "evaluation_log",
                column: "promotion_ids")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_evaluation_log_quote_id",
                table: "evaluation_log",
                column: "quote_id",
                filter: "quote_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_evaluation_log_visitor_id",
                table: "evaluation_log",
                column: "visitor_id",
                filter: "visitor_id IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "evaluation_log");
        }
    }
}
