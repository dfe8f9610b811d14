using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.Surveys.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class OneResponsePerCustomer : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "customer_key",
                table: "survey_responses",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            // Responses kept once per visitor (once and until-submitted surveys, not through email links) become once per
            // customer too; where one customer already answered under several visitor ids, the first response keeps the key.
            migrationBuilder.Sql("""
                UPDATE survey_responses AS response SET customer_key = btrim(response.customer_id)
                FROM surveys AS survey
                WHERE survey.id = response.survey_id AND survey.frequency_mode <> 'cooldown'
                  AND response.visitor_key IS NOT NULL AND btrim(coalesce(response.customer_id, '')) <> ''
                  AND response.id IN (SELECT DISTINCT ON (survey_id, btrim(customer_id)) id FROM survey_responses
                                      WHERE visitor_key IS NOT NULL AND btrim(coalesce(customer_id, '')) <> ''
                                      ORDER BY survey_id, btrim(customer_id), submitted_at, id);
                """);

            migrationBuilder.CreateIndex(
                name: "ux_survey_responses_survey_customer",
                table: "survey_responses",
                columns: new[] { "survey_id", "customer_key" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ux_survey_responses_survey_customer",
                table: "survey_responses");

            migrationBuilder.DropColumn(
                name: "customer_key",
                table: "survey_responses");
        }
    }
}
