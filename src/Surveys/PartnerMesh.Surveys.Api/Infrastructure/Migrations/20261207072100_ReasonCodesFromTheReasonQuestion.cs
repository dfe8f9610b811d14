using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.Surveys.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class ReasonCodesFromTheReasonQuestion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Every choice of every choice question was stored as a reason code: keep only the picks of the reason
            // question (id 'reason'), in the order given, as the service now computes them.
            migrationBuilder.Sql("""
                UPDATE survey_responses AS response SET reason_codes = ARRAY(
                    SELECT pick.code
                    FROM jsonb_array_elements(response.answers) AS answer,
                         jsonb_array_elements_text(CASE WHEN answer ? 'choices' THEN answer -> 'choices'
                                                        ELSE jsonb_build_array(answer -> 'choice') END) WITH ORDINALITY AS pick(code, n)
                    WHERE answer ->> 'questionId' = 'reason' AND pick.code IS NOT NULL
                    ORDER BY pick.n)
                WHERE cardinality(response.reason_codes) > 0;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The other questions' choices are still in the answers; they are no reason codes.
        }
    }
}
