using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.Promotions.Api.Infrastructure.Migrations
{
    /// <summary>
    /// Campaign ids are now trimmed and lower-cased when taken in (as analytics and surveys take them): fold the ones
    /// stored as given in every version, and merge the campaign budget counters that were apart only by the spelling
    /// (their uses and spend added up), with the reservations that would give a use back to them.
    /// </summary>
    [DbContext(typeof(PromotionsDbContext))]
    [Migration("20261208091000_LowerCaseCampaignIds")]
    public partial class LowerCaseCampaignIds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                UPDATE promotion_versions
                SET definition = jsonb_set(definition, '{campaignId}', to_jsonb(lower(regexp_replace(definition->>'campaignId', '^\s+|\s+$', '', 'g'))))
                WHERE definition->>'campaignId' IS NOT NULL
                  AND definition->>'campaignId' <> lower(regexp_replace(definition->>'campaignId', '^\s+|\s+$', '', 'g'));

                CREATE TEMP TABLE campaign_keys AS
                SELECT key AS old_key,
                       'campaign:' || lower(regexp_replace(regexp_replace(substr(key, 10), ':[^:]*$', ''), '^\s+|\s+$', '', 'g'))
                       || substring(key FROM ':[^:]*$') AS new_key
                FROM budget_counters WHERE starts_with(key, 'campaign:');
                DELETE FROM campaign_keys WHERE old_key = new_key;

                INSERT INTO budget_counters (key, uses, spend, max_uses, max_spend, updated_at)
                SELECT k.new_key, sum(c.uses), sum(c.spend), min(c.max_uses), min(c.max_spend), max(c.updated_at)
                FROM campaign_keys k JOIN budget_counters c ON c.key = k.old_key
                GROUP BY k.new_key
                ON CONFLICT (key) DO UPDATE SET uses = budget_counters.uses + excluded.uses, spend = budget_counters.spend + excluded.spend,
                    updated_at = greatest(budget_counters.updated_at, excluded.updated_at);
                DELETE FROM budget_counters c USING campaign_keys k WHERE c.key = k.old_key;

                UPDATE budget_reservations r SET items = (
                    SELECT jsonb_agg(CASE WHEN k.new_key IS NULL THEN t.e ELSE jsonb_set(t.e, '{Key}', to_jsonb(k.new_key)) END ORDER BY t.o)
                    FROM jsonb_array_elements(r.items) WITH ORDINALITY AS t(e, o) LEFT JOIN campaign_keys k ON k.old_key = t.e->>'Key')
                WHERE r.status IN ('Held', 'Consumed')
                  AND EXISTS (SELECT 1 FROM jsonb_array_elements(r.items) AS e JOIN campaign_keys k ON k.old_key = e->>'Key');

                DROP TABLE campaign_keys;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The original spelling is not kept.
        }
    }
}
