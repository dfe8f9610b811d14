using System.Net;
using System.Net.Http.Json;
using Xunit;

namespace PartnerMesh.EndToEndTests;

/// <summary>The walking-skeleton flow through the gateway, with events crossing the real broker.</summary>
public sealed class SkeletonFlowTests(SystemFixture system)
{
    private readonly Journeys _journeys = new(system);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OrderAfterClick_IsAttributed_AndShowsInAnalytics()
    {
        var startedOn = DateOnly.FromDateTime(DateTime.UtcNow);
        var partner = await _journeys.CreatePartnerAsync(commissionRate: 0.10m);
        var link = await _journeys.CreateLinkAsync(partner.Id);
        var clickId = await _journeys.FollowLinkAsync(link.Code);

        var response = await _journeys.ReportOrderAsync($"order-{Guid.NewGuid():N}", clickId, 120.50m);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var conversion = (await response.Content.ReadFromJsonAsync<Conversion>(Ct))!;
        Assert.True(conversion.Attributed);
        Assert.Equal(partner.Id, conversion.PartnerId);
        Assert.Equal(12.05m, conversion.CommissionAmount);

        var kpis = await _journeys.WaitForKpisAsync(partner.Id, totals => totals.Orders == 1 && totals.Clicks == 1);
        var expected = new KpiSales("EUR", Orders: 1, Revenue: 120.50m, Commission: 12.05m, AverageOrderValue: 120.50m);
        Assert.Equal(expected, Assert.Single(kpis.Totals.Sales));
        // The order's UTC day (a run across midnight may put the click on the day before).
        var orderDay = Assert.Single(kpis.Days, day => day.Orders == 1);
        Assert.InRange(orderDay.Day, startedOn, DateOnly.FromDateTime(DateTime.UtcNow));
        Assert.Equal(expected, Assert.Single(orderDay.Sales));
    }

    [Fact]
    public async Task OrdersInTwoCurrencies_ShowAsTwoSalesEntries_NeverASum()
    {
        var partner = await _journeys.CreatePartnerAsync(commissionRate: 0.10m);
        var link = await _journeys.CreateLinkAsync(partner.Id);
        var euroClick = await _journeys.FollowLinkAsync(link.Code);
        var dollarClick = await _journeys.FollowLinkAsync(link.Code);

        var euroOrder = await _journeys.ReportOrderAsync($"order-{Guid.NewGuid():N}", euroClick, 120.50m, "EUR");
        var dollarOrder = await _journeys.ReportOrderAsync($"order-{Guid.NewGuid():N}", dollarClick, 10.00m, "USD");

        Assert.Equal(HttpStatusCode.Created, euroOrder.StatusCode);
        Assert.Equal(HttpStatusCode.Created, dollarOrder.StatusCode);
        var kpis = await _journeys.WaitForKpisAsync(partner.Id, totals => totals.Orders == 2 && totals.Clicks == 2);
        KpiSales[] expected =
        [
            new("EUR", Orders: 1, Revenue: 120.50m, Commission: 12.05m, AverageOrderValue: 120.50m),
            new("USD", Orders: 1, Revenue: 10.00m, Commission: 1.00m, AverageOrderValue: 10.00m),
        ];
        Assert.Equal(expected, kpis.Totals.Sales);
        // Per day as well: both orders normally share a UTC day; a run across midnight splits them, never merges currencies.
        Assert.Equal(2, kpis.Days.Sum(day => day.Orders));
        Assert.Equal(expected, kpis.Days.SelectMany(day => day.Sales).OrderBy(sale => sale.Currency, StringComparer.Ordinal));
    }

    [Fact]
    public async Task DuplicateOrder_ReturnsSameAnswer_AndCountsOnce()
    {
        var partner = await _journeys.CreatePartnerAsync();
        var link = await _journeys.CreateLinkAsync(partner.Id);
        var clickId = await _journeys.FollowLinkAsync(link.Code);
        var orderId = $"order-{Guid.NewGuid():N}";

        var first = await _journeys.ReportOrderAsync(orderId, clickId, 80m);
        var replay = await _journeys.ReportOrderAsync(orderId, clickId, 80m);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(Ct), await replay.Content.ReadAsStringAsync(Ct));

        // A later order for the same partner proves the pipeline has moved past the duplicate.
        var secondClick = await _journeys.FollowLinkAsync(link.Code);
        Assert.Equal(HttpStatusCode.Created, (await _journeys.ReportOrderAsync($"order-{Guid.NewGuid():N}", secondClick, 20m)).StatusCode);
        var kpis = await _journeys.WaitForKpisAsync(partner.Id, totals => totals.Clicks == 2 && totals.SalesIn("EUR")?.Revenue == 100m);
        Assert.Equal(2, kpis.Totals.Orders);
        Assert.Equal(new KpiSales("EUR", Orders: 2, Revenue: 100m, Commission: 10m, AverageOrderValue: 50m), Assert.Single(kpis.Totals.Sales));
    }

    [Fact]
    public async Task OrderWithUnknownClick_IsRejectedWithProblemDetails()
    {
        var response = await _journeys.ReportOrderAsync($"order-{Guid.NewGuid():N}", Guid.NewGuid(), 10m);

        await Testing.ProblemAssertions.ShouldBeProblemAsync(response, HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task OrderWithNegativeAmount_IsRejectedWithProblemDetails()
    {
        var response = await _journeys.ReportOrderAsync($"order-{Guid.NewGuid():N}", null, -5m);

        await Testing.ProblemAssertions.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task UnknownReferralCode_Returns404ProblemDetails()
    {
        using var shopper = system.CreateAnonymousClient();

        var response = await shopper.GetAsync("/r/no-such-code-here", Ct);

        await Testing.ProblemAssertions.ShouldBeProblemAsync(response, HttpStatusCode.NotFound);
    }
}
