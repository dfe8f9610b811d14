using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.Analytics.Api.Kpis;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>
/// Money analytics derives by division — the average order value — is rounded to its currency's minor unit: no decimals
/// for JPY, three for KWD, two for EUR; in the KPI report and in the partner daily report alike.
/// </summary>
public class MoneyRoundingTests(AnalyticsApiFactory factory) : IClassFixture<AnalyticsApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("JPY", new[] { "500", "500", "370" }, "457")]
    [InlineData("KWD", new[] { "1.005", "1.006" }, "1.006")]
    [InlineData("EUR", new[] { "10", "10", "10.01" }, "10.00")]
    public async Task AverageOrderValue_IsRoundedToTheCurrencysMinorUnit(string currency, string[] amounts, string average)
    {
        var (money, expected) = (amounts.Select(Decimal).ToList(), Decimal(average));
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        var day = DateOnly.FromDateTime(at.UtcDateTime);
        var campaign = $"round-{Guid.NewGuid():N}";
        var partner = Guid.NewGuid();
        await factory.IngestAsync(
            money.Select((amount, i) =>
            {
                var e = Behaviour.Event(EventTypes.OrderCompleted, at, campaign, order: $"o{i}-{campaign}", amount: amount);
                e["currency"] = currency;
                return (object)e;
            }),
            Ct);
        foreach (var amount in money)
        {
            await factory.PublishAsync(Events.Conversion(partner, at, amount, 0m, currency));
        }

        var kpis = (await factory.WaitForReportAsync(Behaviour.KpiUrl("campaign", campaign, day, day), r => r.Totals.Count == 1 && r.Total().Orders == money.Count, Ct)).Total();
        Assert.Equal((currency, expected), (Assert.Single(kpis.Sales).Currency, Assert.Single(kpis.Sales).AverageOrderValue));

        await factory.WaitForAsync(partner, day, kpi => kpi.Orders == money.Count);
        var daily = await factory.CreatePartnerClient(partner).GetAsync($"/api/analytics/partners/{partner}/daily?from={day:yyyy-MM-dd}&to={day:yyyy-MM-dd}", Ct)
            .ShouldBeOkAsync<PartnerDailyKpisResponse>();
        Assert.Equal((currency, money.Sum(), expected), (Assert.Single(daily.Totals.Sales).Currency, daily.Totals.Sales[0].Revenue, daily.Totals.Sales[0].AverageOrderValue));
    }

    private static decimal Decimal(string text) => decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
}
