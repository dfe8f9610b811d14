using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.PartnerPortal.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class PortalSessions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "portal_sessions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    account_id = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_portal_sessions", x => x.id);
                    table.ForeignKey(
                        name: "fk_portal_sessions_portal_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "portal_accounts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_portal_sessions_account_id",
                table: "portal_sessions",
                column: "account_id");

            migrationBuilder.CreateIndex(
                name: "ix_portal_sessions_expires_at",
                table: "portal_sessions",
                column: "expires_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "portal_sessions");
        }
    }
}
