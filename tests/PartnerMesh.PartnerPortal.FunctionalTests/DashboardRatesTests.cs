using PartnerMesh.PartnerPortal.Api.Portal;
using Xunit;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>The dashboard shows the conversion rate as a share of clicks and orders per click as its own number.</summary>
public class DashboardRatesTests(PortalApiFactory factory) : IClassFixture<PortalApiFactory>
{
    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    [Fact]
    public async Task OneClickFollowedByNineOrders_Shows100PercentAndNineOrdersPerClick()
    {
        var partner = await factory.SignInNewPartnerAsync();
        var day = Today;
        factory.Analytics.Reports[partner.PartnerId] = FakeReports.OneDay(partner.PartnerId, day, new FakeKpis(
            Clicks: 1, Orders: 9, ConvertedClicks: 1, OrdersFromClicks: 9, ConversionRate: 1.0m, OrdersPerClick: 9m,
            Sales: [new FakeSales("EUR", 9, 90m, 9m, 10m)]));

        var html = await partner.Browser.GetPageAsync("/portal/");

        Assert.Contains("<div><dt>Conversion rate</dt><dd>100.0 %</dd></div>", html, StringComparison.Ordinal);
        Assert.Contains("<div><dt>Orders per click</dt><dd>9</dd></div>", html, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"col\">Conversion rate</th><th scope=\"col\">Orders per click</th></tr>", html, StringComparison.Ordinal);
        Assert.Contains("<td>100.0 %</td><td>9</td></tr>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("900.0 %", html, StringComparison.Ordinal); // not "900": the page also shows a random account email
        Assert.Contains(PortalPages.RatesExplained, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FourClicksOneConvertingTwice_Shows25PercentAndHalfAnOrderPerClick()
    {
        var partner = await factory.SignInNewPartnerAsync();
        factory.Analytics.Reports[partner.PartnerId] = FakeReports.OneDay(partner.PartnerId, Today, new FakeKpis(
            Clicks: 4, Orders: 2, ConvertedClicks: 1, OrdersFromClicks: 2, ConversionRate: 0.25m, OrdersPerClick: 0.5m,
            Sales: [new FakeSales("EUR", 2, 20m, 2m, 10m)]));

        var html = await partner.Browser.GetPageAsync("/portal/");

        Assert.Contains("<div><dt>Conversion rate</dt><dd>25.0 %</dd></div>", html, StringComparison.Ordinal);
        Assert.Contains("<div><dt>Orders per click</dt><dd>0.5</dd></div>", html, StringComparison.Ordinal);
        Assert.Contains("<td>25.0 %</td><td>0.5</td></tr>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutClicks_ShowsADashForBothRatesNotZero()
    {
        var partner = await factory.SignInNewPartnerAsync();
        factory.Analytics.Reports[partner.PartnerId] = FakeReports.OneDay(partner.PartnerId, Today, new FakeKpis(
            Clicks: 0, Orders: 2, ConvertedClicks: 0, OrdersFromClicks: 0, ConversionRate: null, OrdersPerClick: null,
            Sales: [new FakeSales("EUR", 2, 50m, 5m, 25m)]));

        var html = await partner.Browser.GetPageAsync("/portal/");

        Assert.Contains($"<div><dt>Conversion rate</dt><dd>{PortalPages.NoClicks}</dd></div>", html, StringComparison.Ordinal);
        Assert.Contains($"<div><dt>Orders per click</dt><dd>{PortalPages.NoClicks}</dd></div>", html, StringComparison.Ordinal);
        Assert.Contains($"<td>{PortalPages.NoClicks}</td><td>{PortalPages.NoClicks}</td></tr>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("0.0 %", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnalyticsWithoutOrdersPerClick_ShowsNumbersUnavailableNotItsOrdersPerClickAsARate()
    {
        // An analytics from before: its conversionRate was orders over clicks (one click, nine orders: 900 %).
        var partner = await factory.SignInNewPartnerAsync();
        factory.Analytics.Reports[partner.PartnerId] = new
        {
            partnerId = partner.PartnerId,
            partnerName = "Name known to analytics",
            from = Today.AddDays(-29),
            to = Today,
            days = new[] { new { day = Today, clicks = 1, orders = 9, conversionRate = 9m, sales = new[] { new FakeSales("EUR", 9, 90m, 9m, 10m) } } },
            totals = new { clicks = 1, orders = 9, conversionRate = 9m, sales = new[] { new FakeSales("EUR", 9, 90m, 9m, 10m) } },
        };

        var html = await partner.Browser.GetPageAsync("/portal/");

        Assert.Contains(PortalPages.UnavailableMessage, html, StringComparison.Ordinal);
        Assert.DoesNotContain("900.0 %", html, StringComparison.Ordinal);
    }
}
