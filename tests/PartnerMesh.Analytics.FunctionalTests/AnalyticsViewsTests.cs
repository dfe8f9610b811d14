using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Analytics.Api.Campaigns;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.Analytics.Api.Scorecards;
using PartnerMesh.Analytics.Api.Segments;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

public class AnalyticsViewsTests(BehaviourApiFactory factory) : IClassFixture<BehaviourApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Admin => factory.CreateClientWithScopes(PartnerMeshScopes.Admin);

    [Theory]
    [InlineData("from=2025-03-10&to=2025-03-01", "from")]
    [InlineData("from=2020-01-01&to=2025-03-01", "to")]
    [InlineData("from=2025-01-01&to=2025-03-01&granularity=hour", "to")]
    [InlineData("dimension=planet", "dimension")]
    [InlineData("granularity=week", "granularity")]
    [InlineData("from=yesterday", "from")]
    [InlineData("format=xml", "format")]
    [InlineData("dimension=campaign&partnerId=00000000-0000-0000-0000-000000000001", "partnerId")]
    public async Task Kpis_WithBadQuery_Returns400ProblemNamingTheParameter(string query, string parameter)
    {
        var response = await Admin.GetAsync("/api/analytics/kpis?" + query, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(parameter, ((System.Text.Json.JsonElement)problem.Extensions["errors"]!).EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Kpis_AsCsv_HasAHeaderAndOneLinePerPeriodAndCurrency()
    {
        var campaign = $"csv-{Guid.NewGuid():N}";
        var at = new DateTimeOffset(2025, 4, 1, 10, 0, 0, TimeSpan.Zero);
        await factory.IngestAsync([Behaviour.Event(EventTypes.OrderCompleted, at, campaign, order: "o-" + campaign, amount: 12.5m)], Ct);
        var url = Behaviour.KpiUrl("campaign", campaign, new DateOnly(2025, 4, 1), new DateOnly(2025, 4, 1));
        await factory.WaitForReportAsync(url, r => r.Rows.Count == 1, Ct);

        var response = await Admin.GetAsync(url + "&format=csv", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync(Ct)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("period,dimension,value,sessions", lines[0], StringComparison.Ordinal);
        Assert.StartsWith($"2025-04-01,campaign,{campaign},", lines[1], StringComparison.Ordinal);
        Assert.Contains(",EUR,1,12.5", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Campaign_CreateWithIdempotencyKey_ReportsAgainstTargets()
    {
        var code = $"easter-{Guid.NewGuid():N}";
        var request = new SaveCampaignRequest("Easter 2025", code, new DateOnly(2025, 4, 18), new DateOnly(2025, 4, 21), [Guid.NewGuid()],
            ["10% off with EASTER10"], new Dictionary<string, decimal> { ["orders"] = 2, ["revenue"] = 1000, ["cartAbandonmentRate"] = 0.5m }, "EUR");
        using var message = new HttpRequestMessage(HttpMethod.Post, "/api/analytics/campaigns") { Content = JsonContent.Create(request) };
        message.Headers.Add("Idempotency-Key", code);
        var created = await (await Admin.SendAsync(message, Ct)).ShouldBeAsync<CampaignResponse>(HttpStatusCode.Created);
        using var again = new HttpRequestMessage(HttpMethod.Post, "/api/analytics/campaigns") { Content = JsonContent.Create(request) };
        again.Headers.Add("Idempotency-Key", code);
        var replayed = await (await Admin.SendAsync(again, Ct)).ShouldBeAsync<CampaignResponse>(HttpStatusCode.OK);
        Assert.Equal(created.Id, replayed.Id);

        var at = new DateTimeOffset(2025, 4, 19, 9, 0, 0, TimeSpan.Zero);
        await factory.IngestAsync(
            [
                Behaviour.Event(EventTypes.OrderCompleted, at, code, order: "o1-" + code, amount: 300m),
                Behaviour.Event(EventTypes.OrderCompleted, at, code, order: "o2-" + code, amount: 200m),
            ],
            Ct);
        var report = await Eventually.GetAsync(async () =>
        {
            var r = await (await Admin.GetAsync($"/api/analytics/campaigns/{created.Id}/report", Ct)).ShouldBeAsync<CampaignReport>(HttpStatusCode.OK);
            return r.Kpis.Orders == 2 ? r : null;
        });

        Assert.Equal("finished", report.Campaign.Status);
        Assert.Equal(
            [("cartAbandonmentRate", (decimal?)null, (bool?)null), ("orders", 2m, true), ("revenue", 500m, false)],
            report.Targets.Select(t => (t.Kpi, t.Actual, t.Met)));
    }

    [Fact]
    public async Task CampaignReport_BeforeTheCampaignStarts_JudgesNoTarget()
    {
        var startsOn = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30);
        var request = new SaveCampaignRequest("Autumn", $"autumn-{Guid.NewGuid():N}", startsOn, startsOn.AddDays(3), null, null,
            new Dictionary<string, decimal> { ["orders"] = 1, ["sessions"] = 1, ["revenue"] = 10, ["conversionRate"] = 0.1m, ["refundRate"] = 0.1m }, "EUR");
        var created = await (await Admin.PostAsJsonAsync("/api/analytics/campaigns", request, Ct)).ShouldBeAsync<CampaignResponse>(HttpStatusCode.Created);

        var report = await (await Admin.GetAsync($"/api/analytics/campaigns/{created.Id}/report", Ct)).ShouldBeAsync<CampaignReport>(HttpStatusCode.OK);

        Assert.Equal("upcoming", report.Campaign.Status);
        Assert.Equal(
            [("conversionRate", (bool?)null), ("orders", null), ("refundRate", null), ("revenue", null), ("sessions", null)],
            report.Targets.Select(t => (t.Kpi, t.Met)));
    }

    [Fact]
    public async Task Campaign_SameIdempotencyKeySentConcurrently_CreatesOnce_AndReplaysTheOthers()
    {
        for (var round = 0; round < 5; round++)
        {
            var code = $"race-{Guid.NewGuid():N}";
            var request = new SaveCampaignRequest("Cyber Monday", code, new DateOnly(2025, 12, 1), new DateOnly(2025, 12, 1), null, ["free shipping"], null, null);
            var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
            {
                using var message = new HttpRequestMessage(HttpMethod.Post, "/api/analytics/campaigns") { Content = JsonContent.Create(request) };
                message.Headers.Add("Idempotency-Key", code);
                return await Admin.SendAsync(message, Ct);
            }));

            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Created], responses.Select(r => r.StatusCode).Order());
            var campaigns = await Task.WhenAll(responses.Select(r => r.Content.ReadFromJsonAsync<CampaignResponse>(Ct)));
            Assert.Single(campaigns.Select(c => c!.Id).Distinct());
        }

        var key = $"race-{Guid.NewGuid():N}";
        var first = new SaveCampaignRequest("Cyber Monday", key, new DateOnly(2025, 12, 1), new DateOnly(2025, 12, 1), null, null, null, null);
        var statuses = await Task.WhenAll(new[] { first, first with { Name = "Other" } }.Select(async request =>
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, "/api/analytics/campaigns") { Content = JsonContent.Create(request) };
            message.Headers.Add("Idempotency-Key", key);
            return (await Admin.SendAsync(message, Ct)).StatusCode;
        }));
        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict], statuses.Order());
    }

    [Theory]
    [InlineData("tab\there")]
    [InlineData("bell\u0007")]
    [InlineData("del\u007f")]
    public async Task Campaign_WithAnIdempotencyKeyOfUnprintableCharacters_Returns400_AndCreatesNothing(string key)
    {
        var code = $"key-{Guid.NewGuid():N}";
        var request = new SaveCampaignRequest("Unprintable key", code, new DateOnly(2025, 6, 1), new DateOnly(2025, 6, 2), null, null, null, null);
        using var message = new HttpRequestMessage(HttpMethod.Post, "/api/analytics/campaigns") { Content = JsonContent.Create(request) };
        message.Headers.TryAddWithoutValidation("Idempotency-Key", key);

        var problem = await (await Admin.SendAsync(message, Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("Idempotency-Key", problem.Extensions["errors"]!.ToString()!, StringComparison.Ordinal);
        Assert.False(await factory.QueryDbAsync(db => db.Campaigns.AnyAsync(c => c.Code == code, Ct)));
    }

    [Fact]
    public async Task Campaign_WithBadValues_Returns400_AndDuplicateCode_409_AndUnknownId_404()
    {
        var bad = new SaveCampaignRequest("", "x", new DateOnly(2025, 5, 2), new DateOnly(2025, 5, 1), null, null,
            new Dictionary<string, decimal> { ["happiness"] = 1, ["conversionRate"] = 9 }, null);
        var problem = await (await Admin.PostAsJsonAsync("/api/analytics/campaigns", bad, Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        var errors = ((System.Text.Json.JsonElement)problem.Extensions["errors"]!).EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("name", errors);
        Assert.Contains("endsOn", errors);
        Assert.Contains("targets.happiness", errors);
        Assert.Contains("targets.conversionRate", errors);

        var code = $"bf-{Guid.NewGuid():N}";
        var good = new SaveCampaignRequest("Black Friday", code, new DateOnly(2025, 11, 28), new DateOnly(2025, 12, 1), null, null, null, null);
        await (await Admin.PostAsJsonAsync("/api/analytics/campaigns", good, Ct)).ShouldBeAsync<CampaignResponse>(HttpStatusCode.Created);
        await (await Admin.PostAsJsonAsync("/api/analytics/campaigns", good, Ct)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        await (await Admin.GetAsync($"/api/analytics/campaigns/{Guid.NewGuid()}", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        var partner = await factory.CreatePartnerClient(Guid.NewGuid()).PostAsJsonAsync("/api/analytics/campaigns", good, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, partner.StatusCode);
    }

    [Fact]
    public async Task Segments_ForAPartner_AreCountsWithSmallGroupsSuppressed()
    {
        var partner = Guid.NewGuid();
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        await factory.IngestAsync(
            Enumerable.Range(0, 6).Select(i => (object)Behaviour.Event(EventTypes.OrderCompleted, at, order: $"seg-{i}-{partner}", amount: 5m, customer: $"cust-{i}-{partner}", partner: partner))
                .Append(Behaviour.Event(EventTypes.OrderCompleted, at, order: $"seg-x-{partner}", amount: 5m, customer: $"cust-0-{partner}", partner: partner)),
            Ct);

        var report = await Eventually.GetAsync(async () =>
        {
            var r = await (await factory.CreatePartnerClient(partner).GetAsync("/api/analytics/segments", Ct)).ShouldBeAsync<SegmentReport>(HttpStatusCode.OK);
            return r.Segments.Single(s => s.Segment == SegmentNames.FirstTimeBuyers).Customers == 5 ? r : null;
        });

        Assert.Equal(partner, report.PartnerId);
        Assert.Equal(5, report.AnonymityThreshold);
        Assert.Equal(
            [(SegmentNames.FirstTimeBuyers, (long?)5, false), (SegmentNames.FrequentBuyers, 0, false), (SegmentNames.HighCartAbandoners, 0, false), (SegmentNames.LapsedCustomers, 0, false)],
            report.Segments.Select(s => (s.Segment, s.Customers, s.Suppressed)));
        var other = await factory.CreatePartnerClient(partner).GetAsync($"/api/analytics/segments?partnerId={Guid.NewGuid()}", Ct);
        await other.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Concentration_OnePartnerAboveTheThreshold_IsFlaggedAndPublished()
    {
        var partner = Guid.NewGuid();
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        // A currency no other test of the class uses: the partner's share is of this currency's revenue alone.
        const string currency = "HUF";
        var order = Behaviour.Event(EventTypes.OrderCompleted, at, order: $"big-{partner}", amount: 900m, partner: partner);
        order["currency"] = currency;
        var small = Behaviour.Event(EventTypes.OrderCompleted, at, order: $"small-{partner}", amount: 100m);
        small["currency"] = currency;
        await factory.IngestAsync([order, small], Ct);

        var report = await Eventually.GetAsync(async () =>
        {
            var r = await (await Admin.GetAsync("/api/analytics/concentration", Ct)).ShouldBeAsync<ConcentrationReport>(HttpStatusCode.OK);
            return r.Partners.Any(p => p.PartnerId == partner) ? r : null;
        });

        var share = Assert.Single(report.Partners, p => p.PartnerId == partner);
        Assert.Equal((currency, 0.9m, true), (share.Currency, share.RevenueShare, share.Flagged));
        var scorecard = await (await factory.CreatePartnerClient(partner).GetAsync($"/api/analytics/partners/{partner}/scorecard", Ct)).ShouldBeAsync<Scorecard>(HttpStatusCode.OK);
        Assert.Equal(1, scorecard.Kpis.Orders);
        var flag = Assert.Single(scorecard.ConcentrationFlags);
        // The partner's own revenue only: the shop's total would give the other shopper's 100.
        Assert.Equal((currency, 900m, null, null, true, true), (flag.Currency, flag.PartnerRevenue, flag.TotalRevenue, flag.RevenueShare, flag.Flagged, flag.FiguresSuppressed));
        Assert.Null(scorecard.Comparison);
        var forbidden = await factory.CreatePartnerClient(Guid.NewGuid()).GetAsync($"/api/analytics/partners/{partner}/scorecard", Ct);
        await forbidden.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        var all = await factory.CreatePartnerClient(partner).GetAsync("/api/analytics/scorecards", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, all.StatusCode);
    }
}
