using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.Surveys.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class LowerCaseCampaignIds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Campaign ids are now lower-cased when taken in, as analytics does: fold the ones stored as given.
            migrationBuilder.Sql("""
                UPDATE survey_impressions SET campaign_id = lower(campaign_id) WHERE campaign_id <> lower(campaign_id);
                UPDATE survey_responses SET campaign_id = lower(campaign_id) WHERE campaign_id <> lower(campaign_id);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The original spelling is not kept.
        }
    }
}
