using System.Net;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Analytics.Api.Reporting;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>
/// A year of daily aggregates for 100 partners (73,000 rows, plus the merchant's) answers a partner's year from the
/// aggregates alone: over HTTP in process against the real PostgreSQL, the right figures, and the rows read through the
/// primary key (an index range, never a scan of the table). What it proves holds under any load; how fast it is, is
/// measured where load is controlled: <c>bench/analytics-ingest.sh</c> reports the partner × 365 days query's p50/p99.
/// </summary>
public class KpiQueryPerformanceTests(BehaviourApiFactory factory) : IClassFixture<BehaviourApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OnePartnersYear_Among100Partners_IsRightAndReadThroughThePrimaryKey()
    {
        var from = new DateOnly(2024, 1, 1);
        await factory.QueryDbAsync(db => db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO kpi_aggregates (granularity, dimension, dimension_value, period, currency, sessions, converted_sessions, orders, revenue, updated_at,
                page_views, product_views, add_to_carts, remove_from_carts, checkouts_started, clicks, customer_orders, first_orders, repeat_orders,
                carts, abandoned_carts, recovered_carts, coupon_orders, verified_orders, promotion_orders, promotion_mismatches, surveys_shown,
                survey_responses, nps_responses, nps_promoters, nps_detractors, attributed_orders, refunded_orders, refunds, partner_revenue,
                commission, refunded_amount)
            SELECT 'day', 'partner', ('00000000-0000-0000-0000-' || lpad(p::text, 12, '0')), CAST({from.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)} AS timestamp) + d * interval '1 day',
                c, 100, 5, 7, CASE WHEN c = '' THEN 0 ELSE 700 END, now(),
                0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
            FROM generate_series(1, 100) p, generate_series(0, 364) d, (VALUES (''), ('EUR')) AS currencies(c)
            ON CONFLICT DO NOTHING
            """,
            Ct));
        var client = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
        var url = $"/api/analytics/kpis?dimension=partner&value=00000000-0000-0000-0000-000000000042&from={from:yyyy-MM-dd}&to={from.AddDays(364):yyyy-MM-dd}";
        var first = await (await client.GetAsync(url, Ct)).ShouldBeAsync<KpiReport>(HttpStatusCode.OK);
        Assert.Equal(365, first.Rows.Count);
        Assert.Equal((36_500L, 1825L, 0.05m), (first.Total().Sessions, first.Total().ConvertedSessions, first.Total().ConversionRate));

        // The report reads the partner's rows through the primary key (granularity, dimension, value, value2, period,
        // currency): an index range of ~730 rows, not a scan of the 73,000.
        var plan = await factory.QueryDbAsync(db => db.Database.SqlQueryRaw<string>(
            """
            EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM kpi_aggregates
            WHERE granularity = 'day' AND dimension = 'partner' AND dimension_value = '00000000-0000-0000-0000-000000000042'
              AND dimension_value2 = '' AND period >= '2024-01-01' AND period < '2024-12-31'
            """).ToListAsync(Ct));
        var planText = string.Join('\n', plan);
        TestContext.Current.SendDiagnosticMessage(planText);
        Assert.Contains("Index Scan using \"PK_kpi_aggregates\"", planText, StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan", planText, StringComparison.Ordinal);
    }
}
