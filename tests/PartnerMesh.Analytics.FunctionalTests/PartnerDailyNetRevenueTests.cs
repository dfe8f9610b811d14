using Microsoft.EntityFrameworkCore;
using PartnerMesh.Analytics.Api.Kpis;
using PartnerMesh.Outbox;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>
/// The click-based partner daily report (the portal dashboard's <c>/partners/{id}/daily</c>) is net like the KPI report's
/// <c>sales[]</c>: refunds and cancellations come off the revenue of the order's day (gross beside it), a cancelled order
/// leaves the sales' order count and the average, commission is net of what attribution reversed. Each test has its own
/// partner.
/// </summary>
public class PartnerDailyNetRevenueTests(AnalyticsApiFactory factory) : IClassFixture<AnalyticsApiFactory>
{
    private static readonly DateTimeOffset Morning = new(2025, 10, 7, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Day = DateOnly.FromDateTime(Morning.UtcDateTime);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RefundAndCancellation_NetTheDailyReport_OnTheOrdersDay_AsTheKpiReportDoes()
    {
        var partner = Guid.NewGuid();
        var click = Events.Click(partner, Morning);
        var (first, second) = (Events.Conversion(partner, Morning.AddHours(1), 100m, 10m, clickId: click.ClickId), Events.Conversion(partner, Morning.AddHours(2), 50m, 5m));
        await factory.PublishAsync(click);
        await factory.PublishAsync(first);
        await factory.PublishAsync(second);
        await factory.WaitForAsync(partner, Day, kpi => kpi is { Clicks: 1, Orders: 2 });

        await factory.PublishAsync(Events.Refund(first, 40m, 4m));
        await factory.PublishAsync(Events.Refund(second, 50m, 5m, kind: "cancellation"));

        var report = await WaitForDailyAsync(partner, sales => sales.Orders == 1 && sales.Revenue == 60m);
        var expected = new SalesResponse("EUR", 1, 60m, 150m, 6m, 60m);
        Assert.Equal([expected], report.Totals.Sales);
        var day = Assert.Single(report.Days);
        Assert.Equal((Day, 2L, 1L, 1L, 1L), (day.Day, day.Orders, day.Clicks, day.ConvertedClicks, day.OrdersFromClicks));
        Assert.Equal([expected], day.Sales);

        // The KPI report's partner row says the same.
        var kpis = (await factory.WaitForReportAsync(
            Behaviour.KpiUrl("partner", partner.ToString(), Day, Day), r => r.Totals.Count == 1 && r.Total() is { Refunds: 2, CancelledOrders: 1 }, Ct)).Total();
        var money = Assert.Single(kpis.Sales);
        Assert.Equal((expected.Orders, expected.Revenue, expected.GrossRevenue, expected.Commission, (decimal?)expected.AverageOrderValue),
            (money.Orders, money.Revenue, money.GrossRevenue, money.Commission, money.AverageOrderValue));

        // The admins' day view of every partner too.
        var partners = await factory.CreateClientWithScopes(PartnerMeshScopes.Admin).GetAsync($"/api/analytics/partners?day={Day:yyyy-MM-dd}", Ct)
            .ShouldBeOkAsync<PartnersDayResponse>();
        Assert.Equal([expected], Assert.Single(partners.Partners, p => p.PartnerId == partner).Sales);
    }

    [Fact]
    public async Task SaleRejectedInReview_LeavesTheCommission_WithItsReversal_InBothReports_OtherTakeBacksAndPartnersChangeNothing()
    {
        var partner = Guid.NewGuid();
        var (held, clean) = (Events.Conversion(partner, Morning.AddHours(1), 100m, 10m), Events.Conversion(partner, Morning.AddHours(2), 50m, 5m));
        await factory.PublishAsync(held);
        await factory.PublishAsync(clean);
        // The sales first, as attribution tells them (the other arrival order is KpiTakeBackArrivalOrderTests').
        await factory.WaitForAsync(partner, Day, kpi => kpi is { Orders: 2 });
        await factory.PublishAsync(Events.Refund(held, 40m, 4m));
        await WaitForDailyAsync(partner, sales => sales.Commission == 11m);

        // Not a rejected sale of this order's partner: a refund's reversal (RefundRecorded already counted it) and another
        // partner's rejected sale on the order change nothing; then the review rejects the held sale and its reversal.
        await factory.PublishAsync(Events.Rejection(held) with { Kind = "reversal", Amount = -4m, Reason = "refund" });
        await factory.PublishAsync(Events.Rejection(held, partnerId: Guid.NewGuid()));
        var rejection = Events.Rejection(held);
        await factory.PublishAsync(rejection);
        await factory.PublishAsync(rejection with { EventId = Guid.NewGuid() });

        var report = await WaitForDailyAsync(partner, sales => sales.Commission != 11m);
        var expected = new SalesResponse("EUR", 2, 110m, 150m, 5m, 55m);
        Assert.Equal([expected], report.Totals.Sales);
        var kpis = (await factory.WaitForReportAsync(
            Behaviour.KpiUrl("partner", partner.ToString(), Day, Day), r => r.Totals.Count == 1 && r.Total().Sales is [{ Commission: 5m, Revenue: 110m }], Ct)).Total();
        Assert.Equal((2L, 110m, 5m), (Assert.Single(kpis.Sales).Orders, kpis.Sales[0].Revenue, kpis.Sales[0].Commission));

        // A refund the storefront reports afterwards reverses nothing of a rejected sale, and changes no commission.
        await factory.PublishAsync(Events.Refund(held, 60m, 0m, kind: "cancellation"));
        report = await WaitForDailyAsync(partner, sales => sales.Orders == 1);
        Assert.Equal([new SalesResponse("EUR", 1, 50m, 150m, 5m, 50m)], report.Totals.Sales);
    }

    [Fact]
    public async Task SaleRejectedBeforeItsConversionArrives_NeverCounts()
    {
        var partner = Guid.NewGuid();
        var conversion = Events.Conversion(partner, Morning, 80m, 8m);
        var rejection = Events.Rejection(conversion);
        await factory.PublishAsync(rejection);
        await Eventually.UntilAsync(() => factory.QueryDbAsync(db => db.Set<InboxMessage>().AnyAsync(m => m.MessageId == rejection.EventId, Ct)));

        await factory.PublishAsync(conversion);

        var report = await WaitForDailyAsync(partner, sales => sales.Orders == 1);
        Assert.Equal([new SalesResponse("EUR", 1, 80m, 80m, 0m, 80m)], report.Totals.Sales);
    }

    [Fact]
    public async Task RefundBeforeItsConversion_IsNettedWhenTheConversionArrives_AndRepublishedFactsCountOnce()
    {
        var partner = Guid.NewGuid();
        var conversion = Events.Conversion(partner, Morning, 80m, 8m);
        var refund = Events.Refund(conversion, 30m, 3m);
        await factory.PublishAsync(refund);
        await Eventually.UntilAsync(() => factory.QueryDbAsync(db => db.Set<InboxMessage>().AnyAsync(m => m.MessageId == refund.EventId, Ct)));

        var (again, republished) = (conversion with { EventId = Guid.NewGuid() }, refund with { EventId = Guid.NewGuid() });
        await factory.PublishAsync(conversion);
        await factory.PublishAsync(again);
        await factory.PublishAsync(republished);
        Guid[] handled = [conversion.EventId, again.EventId, republished.EventId];
        await Eventually.UntilAsync(
            async () => await factory.QueryDbAsync(db => db.Set<InboxMessage>().Where(m => handled.Contains(m.MessageId)).Select(m => m.MessageId).Distinct().CountAsync(Ct)) == 3,
            because: "the conversion, its republication and the republished refund should be handled");

        var report = await WaitForDailyAsync(partner, sales => sales.GrossRevenue == 80m);
        Assert.Equal([new SalesResponse("EUR", 1, 50m, 80m, 5m, 50m)], report.Totals.Sales);
        Assert.Equal(1L, report.Totals.Orders);
    }

    [Fact]
    public async Task CommissionBookedInAnotherCurrencyThanTheOrder_CountsInTheCommissionsCurrency_NetOfItsReversal()
    {
        // A program paying a fixed EUR 5 per sale: one JPY order and one EUR order each earn EUR 5 (the ledger's EUR 10).
        var partner = Guid.NewGuid();
        var yen = Events.Conversion(partner, Morning, 1000m, 5m, currency: "JPY") with { CommissionCurrency = "EUR" };
        var euro = Events.Conversion(partner, Morning.AddHours(1), 100m, 5m) with { CommissionCurrency = "EUR" };
        await factory.PublishAsync(yen);
        await factory.PublishAsync(euro);

        var booked = await WaitForDailySalesAsync(partner, sales => sales.Count == 2 && sales.Sum(s => s.Orders) == 2);
        Assert.Equal([new SalesResponse("EUR", 1, 100m, 100m, 10m, 100m), new SalesResponse("JPY", 1, 1000m, 1000m, 0m, 1000m)], booked);

        // Cancelling the JPY order reverses its EUR 5: the EUR commission is 5, as in the ledger.
        await factory.PublishAsync(Events.Refund(yen, 1000m, 5m, kind: "cancellation") with { CommissionCurrency = "EUR" });

        var net = await WaitForDailySalesAsync(partner, sales => sales.Sum(s => s.Orders) == 1);
        Assert.Equal([new SalesResponse("EUR", 1, 100m, 100m, 5m, 100m), new SalesResponse("JPY", 0, 0m, 1000m, 0m, 0m)], net);
        var kpis = (await factory.WaitForReportAsync(
            Behaviour.KpiUrl("partner", partner.ToString(), Day, Day), r => r.Totals.Count == 1 && r.Total().CancelledOrders == 1, Ct)).Total();
        Assert.Equal([("EUR", 5m), ("JPY", 0m)], kpis.Sales.OrderBy(s => s.Currency, StringComparer.Ordinal).Select(s => (s.Currency, s.Commission)));
    }

    private Task<List<SalesResponse>> WaitForDailySalesAsync(Guid partner, Func<List<SalesResponse>, bool> condition) =>
        Eventually.GetAsync(async () =>
        {
            var report = await factory.CreatePartnerClient(partner).GetAsync($"/api/analytics/partners/{partner}/daily?from={Day:yyyy-MM-dd}&to={Day:yyyy-MM-dd}", Ct)
                .ShouldBeOkAsync<PartnerDailyKpisResponse>();
            var sales = report.Totals.Sales.ToList();
            return condition(sales) ? sales : null;
        }, because: $"{partner}'s daily sales should count the commission in its currency");

    private Task<PartnerDailyKpisResponse> WaitForDailyAsync(Guid partner, Func<SalesResponse, bool> condition) =>
        Eventually.GetAsync(async () =>
        {
            var report = await factory.CreatePartnerClient(partner).GetAsync($"/api/analytics/partners/{partner}/daily?from={Day:yyyy-MM-dd}&to={Day:yyyy-MM-dd}", Ct)
                .ShouldBeOkAsync<PartnerDailyKpisResponse>();
            return report.Totals.Sales is [var sales] && condition(sales) ? report : null;
        }, because: $"{partner}'s daily sales should be net");
}
