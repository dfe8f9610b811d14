using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.Analytics.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class CaseInsensitiveCampaignCodes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ux_campaigns_code",
                table: "campaigns");

            // Campaigns whose codes differed only by case shared one utm_campaign's traffic. The oldest keeps the code;
            // the others get their id's first 8 characters appended, so the unique index can be built and an admin can rename them.
            migrationBuilder.Sql("""
                UPDATE campaigns AS c SET code = left(c.code, 191) || '-' || left(c.id::text, 8)
                FROM (SELECT id, row_number() OVER (PARTITION BY lower(code) ORDER BY created_at, id) AS n FROM campaigns) AS d
                WHERE c.id = d.id AND d.n > 1;
                """);

            migrationBuilder.AddColumn<string>(
                name: "code_key",
                table: "campaigns",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true,
                computedColumnSql: "lower(code)",
                stored: true);

            migrationBuilder.CreateIndex(
                name: "ux_campaigns_code",
                table: "campaigns",
                column: "code_key",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ux_campaigns_code",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "code_key",
                table: "campaigns");

            migrationBuilder.CreateIndex(
                name: "ux_campaigns_code",
                table: "campaigns",
                column: "code",
                unique: true);
        }
    }
}
