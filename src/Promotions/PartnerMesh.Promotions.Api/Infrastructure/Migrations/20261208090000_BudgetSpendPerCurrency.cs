using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.Promotions.Api.Infrastructure.Migrations
{
    /// <summary>
    /// A budget's spend is now counted per currency, on <c>{key}@{currency}</c> (uses stay on the key): the spend a counter
    /// added up so far moves to the counter of its promotion's currency (a campaign's: the currency of one of its
    /// promotions), and so does what held and consumed reservations would give back. Spend of promotions without a
    /// currency had no cap to count against and is not kept.
    /// </summary>
    [DbContext(typeof(PromotionsDbContext))]
    [Migration("20261208090000_BudgetSpendPerCurrency")]
    public partial class BudgetSpendPerCurrency : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TEMP TABLE counter_currency AS
                SELECT c.key,
                    CASE WHEN starts_with(c.key, 'campaign:') THEN
                        (SELECT max(v.definition->>'currency') FROM promotion_versions v
                         WHERE v.definition->>'campaignId' = regexp_replace(substr(c.key, 10), ':[^:]*$', ''))
                    ELSE
                        (SELECT v.definition->>'currency' FROM promotion_versions v
                         WHERE replace(v.promotion_id::text, '-', '') = split_part(c.key, ':', 2) AND v.definition->>'currency' IS NOT NULL
                         ORDER BY v.version DESC LIMIT 1)
                    END AS currency
                FROM budget_counters c
                WHERE (starts_with(c.key, 'campaign:') OR starts_with(c.key, 'promotion:') OR starts_with(c.key, 'partner:'))
                  AND c.key !~ ':[^:]*@[^:]*$';

                INSERT INTO budget_counters (key, uses, spend, max_uses, max_spend, updated_at)
                SELECT c.key || '@' || m.currency, c.uses, c.spend, NULL, c.max_spend, c.updated_at
                FROM budget_counters c JOIN counter_currency m ON m.key = c.key
                WHERE m.currency IS NOT NULL
                ON CONFLICT (key) DO NOTHING;

                UPDATE budget_counters c SET spend = 0, max_spend = NULL FROM counter_currency m WHERE m.key = c.key;

                UPDATE budget_reservations r SET items = (
                    SELECT jsonb_agg(moved.item ORDER BY moved.position) FROM (
                        SELECT CASE WHEN m.key IS NULL THEN t.e ELSE jsonb_set(t.e, '{Spend}', '0') END AS item, t.o * 2 AS position
                        FROM jsonb_array_elements(r.items) WITH ORDINALITY AS t(e, o) LEFT JOIN counter_currency m ON m.key = t.e->>'Key'
                        UNION ALL
                        SELECT jsonb_build_object('Key', (t.e->>'Key') || '@' || m.currency, 'Spend', t.e->'Spend'), t.o * 2 + 1
                        FROM jsonb_array_elements(r.items) WITH ORDINALITY AS t(e, o) JOIN counter_currency m ON m.key = t.e->>'Key'
                        WHERE m.currency IS NOT NULL
                    ) moved)
                WHERE r.status IN ('Held', 'Consumed')
                  AND EXISTS (SELECT 1 FROM jsonb_array_elements(r.items) AS e JOIN counter_currency m ON m.key = e->>'Key');

                DROP TABLE counter_currency;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Spend of two currencies is not added back into one counter.
        }
    }
}
