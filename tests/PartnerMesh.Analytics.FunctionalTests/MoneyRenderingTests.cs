using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using PartnerMesh.Analytics.Api.Campaigns;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>
/// Money is answered as the value it is, without the database column's scale (<c>numeric(20,4)</c> reads 120 back as
/// 120.0000): <c>120</c>, <c>120.5</c>, as coupons answers — in every JSON answer and in the CSV.
/// </summary>
public partial class MoneyRenderingTests(AnalyticsApiFactory factory) : IClassFixture<AnalyticsApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Admin => factory.CreateClientWithScopes(PartnerMeshScopes.Admin);

    [Fact]
    public async Task MoneyInEveryAnswer_HasNoTrailingZeros()
    {
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        var day = DateOnly.FromDateTime(at.UtcDateTime);
        var code = $"money-{Guid.NewGuid():N}";
        var partner = Guid.NewGuid();
        var campaign = await (await Admin.PostAsJsonAsync(
                "/api/analytics/campaigns",
                new SaveCampaignRequest("Money", code, day.AddDays(-1), day.AddDays(1), null, null, new Dictionary<string, decimal> { ["revenue"] = 100.50m }, "EUR"),
                Ct))
            .ShouldBeAsync<CampaignResponse>(HttpStatusCode.Created);
        await factory.IngestAsync([Behaviour.Event(EventTypes.OrderCompleted, at, code, session: "s-" + code, order: "o-" + code, amount: 120m)], Ct);
        await factory.PublishAsync(Events.Conversion(partner, at, 120.5m, 12.05m));
        var kpiUrl = Behaviour.KpiUrl("campaign", code, day, day);
        await factory.WaitForReportAsync(kpiUrl, r => r.Totals.Count == 1 && r.Total().Orders == 1, Ct);
        await factory.WaitForAsync(partner, day, kpi => kpi.Orders == 1);
        await factory.WaitForReportAsync(Behaviour.KpiUrl("partner", partner.ToString(), day, day), r => r.Totals.Count == 1 && r.Total().Orders == 1, Ct);

        var kpis = await ReadAsync(kpiUrl);
        Assert.Contains("\"revenue\":120,", kpis, StringComparison.Ordinal);
        Assert.Contains("\"grossRevenue\":120,", kpis, StringComparison.Ordinal);
        Assert.Contains("\"averageOrderValue\":120,", kpis, StringComparison.Ordinal);
        Assert.Contains("\"commission\":0,", kpis, StringComparison.Ordinal);

        var csv = await ReadAsync(kpiUrl + "&format=csv");
        Assert.Contains(",EUR,1,120,120,0,0,", csv, StringComparison.Ordinal);

        var report = await ReadAsync($"/api/analytics/campaigns/{campaign.Id}/report");
        Assert.Contains("\"revenue\":120,", report, StringComparison.Ordinal);
        Assert.Contains("\"kpi\":\"revenue\",\"target\":100.5,\"actual\":120,", report, StringComparison.Ordinal);

        var daily = await factory.CreatePartnerClient(partner).GetStringAsync($"/api/analytics/partners/{partner}/daily?from={day:yyyy-MM-dd}&to={day:yyyy-MM-dd}", Ct);
        Assert.Contains("\"revenue\":120.5,\"grossRevenue\":120.5,\"commission\":12.05,\"averageOrderValue\":120.5}", daily, StringComparison.Ordinal);

        var partners = await ReadAsync($"/api/analytics/partners?day={day:yyyy-MM-dd}");
        Assert.Contains("\"revenue\":120.5,", partners, StringComparison.Ordinal);

        var scorecard = await ReadAsync($"/api/analytics/partners/{partner}/scorecard");
        Assert.Contains("\"partnerRevenue\":120.5,", scorecard, StringComparison.Ordinal);

        var concentration = await ReadAsync("/api/analytics/concentration");
        Assert.Contains("\"partnerRevenue\":120.5,", concentration, StringComparison.Ordinal);

        foreach (var answer in new[] { kpis, csv, report, daily, partners, scorecard, concentration })
        {
            Assert.DoesNotMatch(TrailingZero(), answer);
        }
    }

    private Task<string> ReadAsync(string url) => Admin.GetStringAsync(url, Ct);

    /// <summary>A number with a fraction ending in 0 (<c>120.0000</c>, <c>0.50</c>), as a JSON value or a CSV field.</summary>
    [GeneratedRegex(@"[:,]-?\d+\.\d*0(?=[,}\]\r])")]
    private static partial Regex TrailingZero();
}
