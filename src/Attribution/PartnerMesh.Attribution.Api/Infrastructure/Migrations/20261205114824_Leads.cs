using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.Attribution.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class Leads : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "leads",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    lead_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    click_id = table.Column<Guid>(type: "uuid", nullable: true),
                    reported_click_id = table.Column<Guid>(type: "uuid", nullable: true),
                    partner_id = table.Column<Guid>(type: "uuid", nullable: true),
                    program_id = table.Column<Guid>(type: "uuid", nullable: true),
                    attributed = table.Column<bool>(type: "boolean", nullable: false),
                    reason = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    commission_id = table.Column<Guid>(type: "uuid", nullable: true),
                    commission_amount = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false),
                    commission_currency = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: true),
                    commission_note = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    customer_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    customer_email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    visitor_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_leads", x => x.id);
                    table.ForeignKey(
                        name: "fk_leads_clicks_click_id",
                        column: x => x.click_id,
                        principalTable: "clicks",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_leads_click_id",
                table: "leads",
                column: "click_id");

            migrationBuilder.CreateIndex(
                name: "ix_leads_partner_id_created_at",
                table: "leads",
                columns: new[] { "partner_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ux_leads_lead_id",
                table: "leads",
                column: "lead_id",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "leads");
        }
    }
}
