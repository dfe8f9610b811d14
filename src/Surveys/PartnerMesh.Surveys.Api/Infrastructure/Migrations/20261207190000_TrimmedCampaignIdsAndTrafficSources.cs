using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.Surveys.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class TrimmedCampaignIdsAndTrafficSources : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Campaign ids and traffic sources are now trimmed and lower-cased when taken in, as analytics takes them: fold
            // the ones stored padded (or, for traffic sources, as given). One of white space only was no value.
            migrationBuilder.Sql("""
                UPDATE survey_impressions SET campaign_id = NULLIF(regexp_replace(campaign_id, '^\s+|\s+$', '', 'g'), '')
                    WHERE campaign_id ~ '^\s|\s$';
                UPDATE survey_responses SET campaign_id = NULLIF(regexp_replace(campaign_id, '^\s+|\s+$', '', 'g'), '')
                    WHERE campaign_id ~ '^\s|\s$';
                UPDATE survey_impressions SET traffic_source = NULLIF(lower(regexp_replace(traffic_source, '^\s+|\s+$', '', 'g')), '')
                    WHERE traffic_source ~ '^\s|\s$' OR traffic_source <> lower(traffic_source);
                UPDATE survey_responses SET traffic_source = NULLIF(lower(regexp_replace(traffic_source, '^\s+|\s+$', '', 'g')), '')
                    WHERE traffic_source ~ '^\s|\s$' OR traffic_source <> lower(traffic_source);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The original spelling is not kept.
        }
    }
}
