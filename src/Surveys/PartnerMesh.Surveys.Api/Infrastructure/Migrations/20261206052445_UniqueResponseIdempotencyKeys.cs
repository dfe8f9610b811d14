using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.Surveys.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class UniqueResponseIdempotencyKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Keys were unique per showing only: a key reused for other showings keeps only its first response.
            migrationBuilder.Sql("""
                UPDATE survey_responses SET idempotency_key = NULL
                WHERE idempotency_key IS NOT NULL
                  AND id NOT IN (SELECT DISTINCT ON (idempotency_key) id FROM survey_responses
                                 WHERE idempotency_key IS NOT NULL ORDER BY idempotency_key, submitted_at, id);
                """);

            migrationBuilder.CreateIndex(
                name: "ux_survey_responses_idempotency_key",
                table: "survey_responses",
                column: "idempotency_key",
                unique: true,
                filter: "idempotency_key IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ux_survey_responses_idempotency_key",
                table: "survey_responses");
        }
    }
}
