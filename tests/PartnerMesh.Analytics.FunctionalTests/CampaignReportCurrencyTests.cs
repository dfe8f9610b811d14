using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PartnerMesh.Analytics.Api.Campaigns;
using PartnerMesh.Analytics.Api.Kpis;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>
/// A campaign report's <c>currency</c> follows analytics' one currency rule (an active ISO 4217 code): anything else is a
/// 400 naming it, never a report with revenue 0 and every money target missed.
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
}
