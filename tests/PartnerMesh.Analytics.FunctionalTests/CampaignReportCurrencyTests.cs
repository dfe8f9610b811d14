using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PartnerMesh.Analytics.Api.Campaigns;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.Analytics.Api.Kpis;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>
/// A campaign report's <c>currency</c> follows analytics' one currency rule (an active ISO 4217 code): anything else is a
/// 400 naming it, never a report with revenue 0 and every money target missed. Money targets are set in the campaign's
/// currency and judged only in it: a report in another currency shows their actual but leaves <c>met</c> null.
/// </summary>
public class CampaignReportCurrencyTests(BehaviourApiFactory factory) : IClassFixture<BehaviourApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Admin => factory.CreateClientWithScopes(PartnerMeshScopes.Admin);

    private async Task<CampaignResponse> CreateAsync()
    {
        var request = new SaveCampaignRequest(
            "Easter", $"easter-{Guid.NewGuid():N}", new DateOnly(2026, 4, 1), new DateOnly(2026, 4, 10), null, null,
            new Dictionary<string, decimal> { ["revenue"] = 100m }, "EUR");
        return await (await Admin.PostAsJsonAsync("/api/analytics/campaigns", request, Ct)).ShouldBeAsync<CampaignResponse>(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("XXXX")]
    [InlineData("")]
    [InlineData("E1R")]
    [InlineData("EU")]
    [InlineData("%E2%82%ACUR")]
    [InlineData("300")]
    [InlineData("XYZ")]
    [InlineData("XXX")]
    public async Task Report_WithACurrencyThatIsNoIsoCode_Returns400NamingCurrency(string currency)
    {
        var campaign = await CreateAsync();
        var value = currency == "300" ? new string('E', 300) : currency;

        var response = await Admin.GetAsync($"/api/analytics/campaigns/{campaign.Id}/report?currency={value}", Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        var errors = ((JsonElement)problem.Extensions["errors"]!).EnumerateObject().ToDictionary(p => p.Name, p => p.Value[0].GetString());
        Assert.Equal(["currency"], errors.Keys);
        Assert.Equal(CurrencyCode.Rule, errors["currency"]);
    }

    [Fact]
    public async Task CreateCampaign_InACodeThatIsNoActiveCurrency_Returns400NamingCurrency()
    {
        var request = new SaveCampaignRequest(
            "Easter", $"easter-{Guid.NewGuid():N}", new DateOnly(2026, 4, 1), new DateOnly(2026, 4, 10), null, null, null, "XYZ");

        var response = await Admin.PostAsJsonAsync("/api/analytics/campaigns", request, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["currency"], ((JsonElement)problem.Extensions["errors"]!).EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Report_WithAThreeLetterCodeInAnyCase_ReportsInIt()
    {
        var campaign = await CreateAsync();

        var usd = await (await Admin.GetAsync($"/api/analytics/campaigns/{campaign.Id}/report?currency=usd", Ct)).ShouldBeAsync<CampaignReport>(HttpStatusCode.OK);
        var campaignsOwn = await (await Admin.GetAsync($"/api/analytics/campaigns/{campaign.Id}/report", Ct)).ShouldBeAsync<CampaignReport>(HttpStatusCode.OK);

        Assert.Equal(("USD", "EUR"), (usd.Currency, campaignsOwn.Currency));
    }

    [Fact]
    public async Task Report_OfAnUnknownCampaignWithABadCurrency_Returns400()
    {
        var response = await Admin.GetAsync($"/api/analytics/campaigns/{Guid.NewGuid()}/report?currency=XXXX", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Report_InAnotherCurrency_GivesMoneyTargetsTheirActualButNoVerdict()
    {
        var code = $"cur-{Guid.NewGuid():N}";
        var request = new SaveCampaignRequest(
            "Easter", code, new DateOnly(2025, 4, 18), new DateOnly(2025, 4, 21), null, null,
            new Dictionary<string, decimal> { ["revenue"] = 500m, ["averageOrderValue"] = 500m, ["orders"] = 2m }, "EUR");
        var campaign = await (await Admin.PostAsJsonAsync("/api/analytics/campaigns", request, Ct)).ShouldBeAsync<CampaignResponse>(HttpStatusCode.Created);
        var at = new DateTimeOffset(2025, 4, 19, 9, 0, 0, TimeSpan.Zero);
        var yen = Behaviour.Event(EventTypes.OrderCompleted, at, code, session: "s-jpy-" + code, order: "o-jpy-" + code, amount: 1000m);
        yen["currency"] = "JPY";
        await factory.IngestAsync([Behaviour.Event(EventTypes.OrderCompleted, at, code, session: "s-eur-" + code, order: "o-eur-" + code, amount: 30m), yen], Ct);
        await Eventually.UntilAsync(async () =>
            (await (await Admin.GetAsync($"/api/analytics/campaigns/{campaign.Id}/report", Ct)).ShouldBeAsync<CampaignReport>(HttpStatusCode.OK)).Kpis.Orders == 2);

        var euros = await (await Admin.GetAsync($"/api/analytics/campaigns/{campaign.Id}/report", Ct)).ShouldBeAsync<CampaignReport>(HttpStatusCode.OK);
        var yens = await (await Admin.GetAsync($"/api/analytics/campaigns/{campaign.Id}/report?currency=JPY", Ct)).ShouldBeAsync<CampaignReport>(HttpStatusCode.OK);

        Assert.Equal(
            [("averageOrderValue", (decimal?)30m, (bool?)false), ("orders", 2m, true), ("revenue", 30m, false)],
            euros.Targets.Select(t => (t.Kpi, t.Actual, t.Met)));
        Assert.Equal("JPY", yens.Currency);
        Assert.Equal(
            [("averageOrderValue", (decimal?)1000m, (bool?)null), ("orders", 2m, true), ("revenue", 1000m, null)],
            yens.Targets.Select(t => (t.Kpi, t.Actual, t.Met)));
    }

    [Theory]
    [InlineData("revenue")]
    [InlineData("averageOrderValue")]
    public async Task CreateCampaign_WithAMoneyTargetButNoCurrency_Returns400NamingCurrency(string kpi)
    {
        var request = new SaveCampaignRequest(
            "Easter", $"easter-{Guid.NewGuid():N}", new DateOnly(2026, 4, 1), new DateOnly(2026, 4, 10), null, null,
            new Dictionary<string, decimal> { [kpi] = 100m }, null);

        var response = await Admin.PostAsJsonAsync("/api/analytics/campaigns", request, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["currency"], ((JsonElement)problem.Extensions["errors"]!).EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Campaign_Answers_CarryItsCurrency()
    {
        var code = $"cur-{Guid.NewGuid():N}";
        var request = new SaveCampaignRequest(
            "Easter", code, new DateOnly(2027, 4, 1), new DateOnly(2027, 4, 10), null, null, new Dictionary<string, decimal> { ["revenue"] = 100m }, "usd");
        var created = await (await Admin.PostAsJsonAsync("/api/analytics/campaigns", request, Ct)).ShouldBeAsync<CampaignResponse>(HttpStatusCode.Created);
        var read = await (await Admin.GetAsync($"/api/analytics/campaigns/{created.Id}", Ct)).ShouldBeAsync<CampaignResponse>(HttpStatusCode.OK);
        var listed = await (await Admin.GetAsync("/api/analytics/campaigns?from=2027-04-01&to=2027-04-10&limit=200", Ct)).ShouldBeAsync<CampaignPage>(HttpStatusCode.OK);
        var updated = await (await Admin.PutAsJsonAsync($"/api/analytics/campaigns/{created.Id}", request with { Targets = null, Currency = null }, Ct))
            .ShouldBeAsync<CampaignResponse>(HttpStatusCode.OK);

        Assert.Equal(["USD", "USD", "USD"], new[] { created.Currency, read.Currency, listed.Items.Single(c => c.Id == created.Id).Currency });
        Assert.Equal("EUR", updated.Currency);
    }
}
