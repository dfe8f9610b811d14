using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.Analytics.Api.Reporting;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>KPIs across two dimensions through <c>GET /api/analytics/kpis?dimensions=a,b</c>.</summary>
public class KpiPairsTests(BehaviourApiFactory factory) : IClassFixture<BehaviourApiFactory>
{
    private static readonly DateTimeOffset Noon = new(2025, 6, 10, 10, 0, 0, TimeSpan.Zero);

    private static readonly DateOnly Day = new(2025, 6, 10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Admin => factory.CreateClientWithScopes(PartnerMeshScopes.Admin);

    private static string PairUrl(string dimensions, string? value = null, string? value2 = null, string granularity = "day") =>
        $"/api/analytics/kpis?dimensions={dimensions}&from={Day:yyyy-MM-dd}&to={Day:yyyy-MM-dd}&granularity={granularity}"
        + (value is null ? "" : $"&value={Uri.EscapeDataString(value)}")
        + (value2 is null ? "" : $"&value2={Uri.EscapeDataString(value2)}");

    /// <summary>Partner P: two sessions in campaign A (one converts with two orders), one in campaign B; partner Q one order in A.</summary>
    private async Task<(Guid P, Guid Q, string A, string B)> SeedAsync()
    {
        var (p, q) = (Guid.NewGuid(), Guid.NewGuid());
        var (a, b) = ($"a-{Guid.NewGuid():N}", $"b-{Guid.NewGuid():N}");
        await factory.IngestAsync(
            [
                Behaviour.Event(EventTypes.PageView, Noon, a, session: "s1-" + a, partner: p, source: "newsletter"),
                Behaviour.Event(EventTypes.OrderCompleted, Noon.AddMinutes(5), a, session: "s1-" + a, order: "o1-" + a, amount: 30m, partner: p, source: "newsletter"),
                Behaviour.Event(EventTypes.OrderCompleted, Noon.AddMinutes(6), a, session: "s1-" + a, order: "o2-" + a, amount: 50m, partner: p, source: "newsletter"),
                Behaviour.Event(EventTypes.PageView, Noon.AddMinutes(1), a, session: "s2-" + a, partner: p, source: "newsletter"),
                Behaviour.Event(EventTypes.PageView, Noon.AddHours(2), b, session: "s3-" + b, partner: p, source: "social"),
                Behaviour.Event(EventTypes.OrderCompleted, Noon.AddMinutes(7), a, session: "s4-" + a, order: "o3-" + a, amount: 20m, partner: q, source: "newsletter"),
            ],
            Ct);
        return (p, q, a, b);
    }

    [Fact]
    public async Task PartnerByCampaign_GivesEachPairItsCountsAndRates_InEitherOrderOfDimensions()
    {
        var (p, q, a, b) = await SeedAsync();

        var report = await factory.WaitForReportAsync(PairUrl("partner,campaign", p.ToString()), r => r.Totals.Count == 2 && r.Totals.Sum(t => t.Kpis.Orders) == 2, Ct);
        var reversed = await factory.ReportAsync(PairUrl("campaign,partner", value2: p.ToString()), Ct);

        Assert.Equal("partner,campaign", report.Dimension);
        Assert.Equal(["partner", "campaign"], report.Dimensions!);
        Assert.Equivalent(report, reversed, strict: true);
        var inA = Assert.Single(report.Totals, t => t.DimensionValue2 == a);
        var inB = Assert.Single(report.Totals, t => t.DimensionValue2 == b);
        Assert.Equal(p.ToString(), inA.DimensionValue);
        Assert.Equal((2L, 1L, 0.5m, 2L), (inA.Kpis.Sessions, inA.Kpis.ConvertedSessions, inA.Kpis.ConversionRate, inA.Kpis.Orders));
        var eur = Assert.Single(inA.Kpis.Sales);
        Assert.Equal((80m, 40m), (eur.Revenue, eur.AverageOrderValue));
        var merchant = Assert.Single((await factory.ReportAsync(Behaviour.KpiUrl("all", null, Day, Day), Ct)).Total().Sales).Revenue;
        Assert.Equal(Math.Round(80m / merchant, 4, MidpointRounding.AwayFromZero), eur.RevenueShare);
        Assert.Equal((1L, 0L, 0m), (inB.Kpis.Sessions, inB.Kpis.ConvertedSessions, inB.Kpis.ConversionRate));

        // Both values filter; the admin without a value sees every partner's pair rows of the campaign.
        var onePair = await factory.ReportAsync(PairUrl("campaign,partner", a, p.ToString()), Ct);
        Assert.Equivalent(inA, Assert.Single(onePair.Totals), strict: true);
        var campaignA = await factory.ReportAsync(PairUrl("partner,campaign", value2: a), Ct);
        Assert.Equal(2, campaignA.Totals.Count);
        Assert.Equal((2L, 1L), (campaignA.Totals.Single(t => t.DimensionValue == p.ToString()).Kpis.Orders, campaignA.Totals.Single(t => t.DimensionValue == q.ToString()).Kpis.Orders));
    }

    [Fact]
    public async Task Pairs_ByHourAndTouchpoint_AndAsCsv()
    {
        var (p, _, a, _) = await SeedAsync();
        var url = PairUrl("campaign,traffic_source", a, granularity: "hour");

        var hours = await factory.WaitForReportAsync(url, r => r.Totals.Count == 1 && r.Total().Orders == 3, Ct);
        var touchpoints = await factory.ReportAsync(PairUrl("touchpoint,partner", value2: p.ToString()), Ct);
        var csv = await Admin.GetAsync(url + "&format=csv", Ct);

        Assert.Equal(("2025-06-10T12:00", "newsletter"), (Assert.Single(hours.Rows).Period, hours.Rows[0].DimensionValue2));
        Assert.Equal(("partner,touchpoint", 3L), (touchpoints.Dimension, touchpoints.Totals.Sum(t => t.Kpis.Sessions)));
        Assert.Contains(touchpoints.Totals, t => t.DimensionValue2 == "order" && t.Kpis.Orders == 2);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync(Ct)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("period,dimension,value,dimension2,value2,sessions,", lines[0], StringComparison.Ordinal);
        Assert.StartsWith($"2025-06-10T12:00,campaign,{a},traffic_source,newsletter,3,2,0.6667,", lines[1], StringComparison.Ordinal);
        Assert.Contains(",EUR,3,100", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task APartner_ReadsItsOwnPairRowsOnly()
    {
        var (p, q, a, _) = await SeedAsync();
        await factory.WaitForReportAsync(PairUrl("partner,campaign", value2: a), r => r.Totals.Count == 2, Ct);
        var client = factory.CreatePartnerClient(p);

        var own = await (await client.GetAsync(PairUrl("campaign,partner"), Ct)).ShouldBeAsync<KpiReport>(HttpStatusCode.OK);
        var ownById = await client.GetAsync(PairUrl("partner,traffic_source", p.ToString()), Ct);
        var other = await client.GetAsync(PairUrl("partner,campaign", q.ToString()), Ct);
        var otherAsValue2 = await client.GetAsync(PairUrl("campaign,partner", a, q.ToString()), Ct);
        var noPartner = await client.GetAsync(PairUrl("campaign,touchpoint"), Ct);

        Assert.All(own.Totals, t => Assert.Equal(p.ToString(), t.DimensionValue));
        Assert.Equal(2, own.Totals.Count);
        Assert.Equal(HttpStatusCode.OK, ownById.StatusCode);
        await other.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await otherAsValue2.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await noPartner.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("dimensions=partner,planet", "dimensions")]
    [InlineData("dimensions=partner,partner", "dimensions")]
    [InlineData("dimensions=partner,campaign,touchpoint", "dimensions")]
    [InlineData("dimensions=partner,segment", "dimensions")]
    [InlineData("dimensions=all,campaign", "dimensions")]
    [InlineData("dimensions=partner,", "dimensions")]
    [InlineData("dimension=partner&dimensions=partner,campaign", "dimensions")]
    [InlineData("dimension=campaign&value2=x", "value2")]
    [InlineData("dimensions=campaign,touchpoint&partnerId=00000000-0000-0000-0000-000000000001", "partnerId")]
    [InlineData("dimensions=partner,campaign&granularity=week", "granularity")]
    public async Task Pairs_WithBadQuery_Return400ProblemNamingTheParameter(string query, string parameter)
    {
        var response = await Admin.GetAsync("/api/analytics/kpis?" + query, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(parameter, ((JsonElement)problem.Extensions["errors"]!).EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task APartnerLearnedAfterTheOrder_MovesItIntoThePairRows_AndAReplayRebuildsTheSamePairRows()
    {
        var (p, _, a, _) = await SeedAsync();
        var late = Guid.NewGuid();
        await factory.IngestAsync([Behaviour.Event(EventTypes.OrderCompleted, Noon.AddMinutes(8), a, order: "late-" + a, amount: 40m, source: "newsletter")], Ct);
        await factory.PublishAsync(new ConversionAttributed
        {
            EventId = Guid.NewGuid(), OccurredAt = Noon.AddMinutes(20), ConversionId = Guid.NewGuid(), OrderId = "late-" + a, PartnerId = late,
            OrderAmount = 40m, Currency = "EUR", CommissionAmount = 4m, OrderedAt = Noon.AddMinutes(8),
        });
        var url = PairUrl("partner,campaign", value2: a);
        var before = await factory.WaitForReportAsync(url, r => r.Totals.Any(t => t.DimensionValue == late.ToString() && t.Kpis.AttributedOrders == 1), Ct);
        var lateRow = Assert.Single(before.Totals, t => t.DimensionValue == late.ToString());
        Assert.Equal((1L, 40m, 4m), (lateRow.Kpis.Orders, Assert.Single(lateRow.Kpis.Sales).Revenue, lateRow.Kpis.Sales[0].Commission));
        var beforeHours = await factory.ReportAsync(PairUrl("partner,traffic_source", p.ToString(), granularity: "hour"), Ct);

        await factory.ReplayAsync(Ct);

        Assert.Equivalent(before, await factory.ReportAsync(url, Ct), strict: true);
        Assert.Equivalent(beforeHours, await factory.ReportAsync(PairUrl("partner,traffic_source", p.ToString(), granularity: "hour"), Ct), strict: true);
    }
}
