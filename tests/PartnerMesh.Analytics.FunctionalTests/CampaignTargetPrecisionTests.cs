using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Analytics.Api.Campaigns;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>
/// Money targets have no more decimals than the campaign's currency (docs/api.md: JPY 10.5 and EUR 10.123 are a 400) and
/// count targets are whole numbers: a 400 naming the target, nothing saved. Both were saved as sent.
/// </summary>
public class CampaignTargetPrecisionTests(BehaviourApiFactory factory) : IClassFixture<BehaviourApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Admin => factory.CreateClientWithScopes(PartnerMeshScopes.Admin);

    private static Dictionary<string, object?> Body(string code, string currency, string kpi, decimal target) => new()
    {
        ["name"] = "Precise", ["code"] = code, ["startsOn"] = "2026-04-01", ["endsOn"] = "2026-04-06",
        ["currency"] = currency, ["targets"] = new Dictionary<string, decimal> { [kpi] = target },
    };

    [Theory]
    [InlineData("JPY", "revenue", "100.5")]
    [InlineData("EUR", "revenue", "10.123")]
    [InlineData("EUR", "averageOrderValue", "10.0001")]
    [InlineData("jpy", "averageOrderValue", "0.1")]
    [InlineData("EUR", "orders", "2.5")]
    [InlineData("EUR", "sessions", "0.1")]
    public async Task Create_WithATargetMorePreciseThanItAllows_Is400NamingIt_AndSavesNothing(string currency, string kpi, string target)
    {
        var code = $"precise-{Guid.NewGuid():N}";

        var response = await Admin.PostAsJsonAsync("/api/analytics/campaigns", Body(code, currency, kpi, decimal.Parse(target, System.Globalization.CultureInfo.InvariantCulture)), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        var errors = ((JsonElement)problem.Extensions["errors"]!).EnumerateObject().Select(p => p.Name);
        Assert.Equal([$"targets.{kpi}"], errors);
        Assert.False(await factory.QueryDbAsync(db => db.Campaigns.AnyAsync(c => c.Code == code, Ct)));
    }

    [Fact]
    public async Task Update_WithAFractionalCountTarget_Is400NamingIt()
    {
        var code = $"precise-{Guid.NewGuid():N}";
        var created = await (await Admin.PostAsJsonAsync("/api/analytics/campaigns", Body(code, "EUR", "orders", 2m), Ct))
            .ShouldBeAsync<CampaignResponse>(HttpStatusCode.Created);

        var response = await Admin.PutAsJsonAsync($"/api/analytics/campaigns/{created.Id}", Body(code, "EUR", "orders", 2.5m), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("targets.orders", ((JsonElement)problem.Extensions["errors"]!).EnumerateObject().Select(p => p.Name));
    }

    [Theory]
    [InlineData("JPY", "revenue", "100")]
    [InlineData("EUR", "revenue", "10.12")]
    [InlineData("EUR", "averageOrderValue", "10.5")]
    [InlineData("BHD", "revenue", "10.125")]
    [InlineData("EUR", "orders", "2")]
    [InlineData("EUR", "orders", "2.0")]
    [InlineData("EUR", "conversionRate", "0.0125")]
    public async Task Create_WithATargetWithinItsPrecision_Creates(string currency, string kpi, string target)
    {
        var value = decimal.Parse(target, System.Globalization.CultureInfo.InvariantCulture);

        var response = await Admin.PostAsJsonAsync("/api/analytics/campaigns", Body($"precise-{Guid.NewGuid():N}", currency, kpi, value), Ct);

        var created = await response.ShouldBeAsync<CampaignResponse>(HttpStatusCode.Created);
        Assert.Equal(value, created.Targets[kpi]);
    }
}
