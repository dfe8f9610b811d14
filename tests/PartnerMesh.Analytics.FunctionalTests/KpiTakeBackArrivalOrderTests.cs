using System.Net;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.Analytics.Api.Reporting;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Outbox;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>
/// The KPI report's take-backs — refunds, cancellations, a sale rejected in review — give the same figures whatever order
/// analytics takes them in relative to the order's conversion: the conversion and the take-backs travel on different
/// queues with no order between them. A take-back of an order analytics does not know yet waits and nets the order when
/// it comes; one whose order never comes counts nothing (there is no order to take it from). Each test has its own
/// partners and currency, so its rows are its own.
/// </summary>
public class KpiTakeBackArrivalOrderTests(BehaviourApiFactory factory) : IClassFixture<BehaviourApiFactory>
{
    private static readonly DateTimeOffset Morning = new(2025, 10, 7, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Day = DateOnly.FromDateTime(Morning.UtcDateTime);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Admin => factory.CreateClientWithScopes(PartnerMeshScopes.Admin);

    [Fact]
    public async Task RefundAndCancellationBeforeTheirConversions_GiveTheNaturalOrdersFigures_AlsoAfterAReplay()
    {
        var (natural, early) = (Guid.NewGuid(), Guid.NewGuid());
        foreach (var (partner, takeBacksFirst) in new[] { (natural, false), (early, true) })
        {
            var (refunded, cancelled) = (Events.Conversion(partner, Morning, 100m, 10m), Events.Conversion(partner, Morning.AddHours(1), 50m, 5m));
            RefundRecorded[] takeBacks = [Events.Refund(refunded, 40m, 4m), Events.Refund(cancelled, 50m, 5m, kind: "cancellation")];
            await PublishInOrderAsync([refunded, cancelled], takeBacks, takeBacksFirst);
        }

        var expected = await WaitForPartnerAsync(natural, k => k is { Refunds: 2, CancelledOrders: 1 });
        Assert.Equal((2L, 2L, 1L), (expected.Orders, expected.RefundedOrders, expected.CancelledOrders));
        Assert.Equal([("EUR", 1L, 60m, 150m, 6m, 90m)], Money(expected));

        var netted = await WaitForPartnerAsync(early, k => k.Orders == 2);
        Assert.Equal(Figures(expected), Figures(netted));

        // A rebuild from the log applies the take-backs in the log's order again: the same figures.
        await ReplayAsync();
        Assert.Equal(Figures(expected), Figures(await WaitForPartnerAsync(early, k => k.Orders == 2)));
        Assert.Equal(Figures(expected), Figures(await WaitForPartnerAsync(natural, k => k.Orders == 2)));
    }

    [Fact]
    public async Task SaleRejectedBeforeItsConversion_CountsNoCommission_AsARejectionAfterIt()
    {
        var (natural, early) = (Guid.NewGuid(), Guid.NewGuid());
        foreach (var (partner, takeBacksFirst) in new[] { (natural, false), (early, true) })
        {
            var (held, clean) = (Events.Conversion(partner, Morning, 80m, 8m), Events.Conversion(partner, Morning.AddHours(1), 20m, 2m));
            await PublishInOrderAsync([held, clean], [Events.Rejection(held)], takeBacksFirst);
        }

        var expected = await WaitForPartnerAsync(natural, k => k is { Orders: 2, Sales: [{ Commission: 2m }] });
        Assert.Equal([("EUR", 2L, 100m, 100m, 2m, 0m)], Money(expected));
        // Let the early partner's conversions be counted, then compare: the rejection waited for them.
        Assert.Equal(Figures(expected), Figures(await WaitForPartnerAsync(early, k => k.Orders == 2)));
    }

    [Fact]
    public async Task RefundRepeatedAndRepublishedBeforeItsConversion_CountsOnce()
    {
        var partner = Guid.NewGuid();
        var conversion = Events.Conversion(partner, Morning, 100m, 10m, currency: "SEK");
        var refund = Events.Refund(conversion, 30m, 3m);
        await factory.PublishAsync(refund);
        await factory.PublishAsync(refund);
        await factory.PublishAsync(refund with { EventId = Guid.NewGuid() });
        await WaitUntilLoggedAsync(refund.EventId);
        await factory.PublishAsync(conversion);

        var kpis = await WaitForPartnerAsync(partner, k => k.Orders == 1);
        Assert.Equal((1L, 1L, 0L), (kpis.Refunds, kpis.RefundedOrders, kpis.CancelledOrders));
        Assert.Equal([("SEK", 1L, 70m, 100m, 7m, 30m)], Money(kpis));
    }

    [Fact]
    public async Task PartialThenFullRefundBeforeTheConversion_NetTheOrderToNothing_OnceEach()
    {
        var (natural, early) = (Guid.NewGuid(), Guid.NewGuid());
        foreach (var (partner, takeBacksFirst) in new[] { (natural, false), (early, true) })
        {
            var conversion = Events.Conversion(partner, Morning, 100m, 10m, currency: "NOK");
            await PublishInOrderAsync([conversion], [Events.Refund(conversion, 30m, 3m), Events.Refund(conversion, 70m, 7m)], takeBacksFirst);
        }

        var expected = await WaitForPartnerAsync(natural, k => k.Refunds == 2);
        Assert.Equal((1L, 1L), (expected.Orders, expected.RefundedOrders));
        Assert.Equal([("NOK", 1L, 0m, 100m, 0m, 100m)], Money(expected));
        Assert.Equal(Figures(expected), Figures(await WaitForPartnerAsync(early, k => k.Orders == 1)));
    }

    [Fact]
    public async Task TakeBacksOfAnOrderThatNeverComes_CountNothing_NoRefundOfNothing()
    {
        // A currency no other test of the class uses: the merchant-wide rows in it are this test's.
        var partner = Guid.NewGuid();
        var never = Events.Conversion(partner, Morning, 100m, 10m, currency: "ISK");
        var (refund, rejection) = (Events.Refund(never, 100m, 10m, kind: "cancellation"), Events.Rejection(never));
        await factory.PublishAsync(refund);
        await factory.PublishAsync(rejection);
        await WaitUntilLoggedAsync(refund.EventId);
        await WaitUntilLoggedAsync(rejection.EventId);
        // Something after them, so that the report shows they were aggregated.
        var marker = Events.Conversion(partner, Morning, 1m, 0m, currency: "DKK");
        await factory.PublishAsync(marker);

        var kpis = await WaitForPartnerAsync(partner, k => k.Orders == 1);
        Assert.Equal((0L, 0L, 0L), (kpis.Refunds, kpis.RefundedOrders, kpis.CancelledOrders));
        Assert.Equal([("DKK", 1L, 1m, 1m, 0m, 0m)], Money(kpis));
        var merchant = await factory.ReportAsync(Behaviour.KpiUrl("all", null, Day, Day.AddDays(2)), Ct);
        Assert.DoesNotContain(merchant.Total().Sales, s => s.Currency == "ISK");
    }

    [Fact]
    public async Task RefundAfterTheStorefrontsOrderButBeforeItsConversion_TakesTheReversedCommissionOnce()
    {
        var (natural, early) = (Guid.NewGuid(), Guid.NewGuid());
        foreach (var (partner, refundFirst) in new[] { (natural, false), (early, true) })
        {
            var conversion = Events.Conversion(partner, Morning, 100m, 10m, currency: "PLN");
            var order = Behaviour.Event(EventTypes.OrderCompleted, Morning, order: conversion.OrderId, amount: 100m, partner: partner);
            order["currency"] = "PLN";
            await factory.IngestAsync([order], Ct);
            await WaitForPartnerAsync(partner, k => k.Orders == 1);
            await PublishInOrderAsync([conversion], [Events.Refund(conversion, 40m, 4m)], refundFirst);
        }

        var expected = await WaitForPartnerAsync(natural, k => k is { Refunds: 1, AttributedOrders: 1 });
        Assert.Equal([("PLN", 1L, 60m, 100m, 6m, 40m)], Money(expected));
        Assert.Equal(Figures(expected), Figures(await WaitForPartnerAsync(early, k => k is { Refunds: 1, AttributedOrders: 1 })));
    }

    /// <summary>The conversions then the take-backs, or the take-backs first: each logged before the conversions are published.</summary>
    private async Task PublishInOrderAsync(IReadOnlyList<ConversionAttributed> conversions, IReadOnlyList<object> takeBacks, bool takeBacksFirst)
    {
        if (!takeBacksFirst)
        {
            foreach (var conversion in conversions)
            {
                await factory.PublishAsync(conversion);
            }

            await WaitForPartnerAsync(conversions[0].PartnerId, k => k.AttributedOrders == conversions.Count);
        }

        foreach (var takeBack in takeBacks)
        {
            await PublishAsync(takeBack);
            await WaitUntilLoggedAsync(takeBack switch
            {
                RefundRecorded refund => refund.EventId,
                CommissionReversed rejection => rejection.EventId,
                _ => throw new ArgumentOutOfRangeException(nameof(takeBacks)),
            });
        }

        if (takeBacksFirst)
        {
            foreach (var conversion in conversions)
            {
                await factory.PublishAsync(conversion);
            }
        }
    }

    private Task PublishAsync(object takeBack) => takeBack switch
    {
        RefundRecorded refund => factory.PublishAsync(refund),
        CommissionReversed rejection => factory.PublishAsync(rejection),
        _ => throw new ArgumentOutOfRangeException(nameof(takeBack)),
    };

    private Task WaitUntilLoggedAsync(Guid messageId) =>
        Eventually.UntilAsync(() => factory.QueryDbAsync(db => db.Set<InboxMessage>().AnyAsync(m => m.MessageId == messageId, Ct)));

    private async Task<KpiFigures> WaitForPartnerAsync(Guid partner, Func<KpiFigures, bool> condition) =>
        (await factory.WaitForReportAsync(
            Behaviour.KpiUrl("partner", partner.ToString(), Day, Day.AddDays(2)), r => r.Totals.Count == 1 && condition(r.Total()), Ct)).Total();

    private async Task ReplayAsync()
    {
        var replay = await (await Admin.PostAsync("/api/analytics/admin/replay", null, Ct)).ShouldBeAsync<ReplayStatus>(HttpStatusCode.Accepted);
        await Eventually.GetAsync(async () =>
            await (await Admin.GetAsync("/api/analytics/admin/status", Ct)).ShouldBeAsync<AggregationStatus>(HttpStatusCode.OK) is
                { LatestReplay: { State: "completed" } done } && done.Id == replay.Id ? done : null);
    }

    private static List<(string, long, decimal, decimal, decimal, decimal)> Money(KpiFigures kpis) =>
        [.. kpis.Sales.OrderBy(s => s.Currency, StringComparer.Ordinal).Select(s => (s.Currency, s.Orders, s.Revenue, s.GrossRevenue, s.Commission, s.RefundedAmount))];

    private static (long, long, long, long, long, string) Figures(KpiFigures kpis) =>
        (kpis.Orders, kpis.AttributedOrders, kpis.Refunds, kpis.RefundedOrders, kpis.CancelledOrders, string.Join(";", Money(kpis)));
}
