using System.Net;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.Analytics.Api.Segments;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>
/// A partner's KPIs follow the attribution path: storefront events naming a referral click count for the click's partner,
/// and a partner learned after the order (or before the storefront's order event) takes the customer's order counts and
/// the customer with the order, so the partner has a repeat-purchase rate and its customers' segments.
/// </summary>
public class PartnerAttributionPathTests(BehaviourApiFactory factory) : IClassFixture<BehaviourApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    private static string PartnerUrl(Guid partner) => Behaviour.KpiUrl("partner", partner.ToString(), Today.AddDays(-1), Today.AddDays(1));

    [Fact]
    public async Task EventsNamingAReferralClickButNoPartner_CountForTheClicksPartner()
    {
        var partner = Guid.NewGuid();
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        var click = Events.Click(partner, at);
        await factory.PublishAsync(click);
        await factory.WaitForReportAsync(PartnerUrl(partner), r => r.Totals.Count == 1 && r.Total().Clicks == 1, Ct);

        var landing = Behaviour.Event(EventTypes.PageView, at.AddSeconds(1), session: $"s-{partner}");
        landing["clickId"] = click.ClickId;
        await factory.IngestAsync(
            [landing, Behaviour.Event(EventTypes.OrderCompleted, at.AddMinutes(1), session: $"s-{partner}", order: $"o-{partner}", amount: 50m, customer: $"c-{partner}")],
            Ct);

        var kpis = (await factory.WaitForReportAsync(PartnerUrl(partner), r => r.Total().Orders == 1, Ct)).Total();
        Assert.Equal((1L, 1L, 1L, 1m), (kpis.Sessions, kpis.PageViews, kpis.ConvertedSessions, kpis.ConversionRate));
        Assert.Equal((1L, 50m), (kpis.CustomerOrders, Assert.Single(kpis.Sales).Revenue));
    }

    [Fact]
    public async Task PartnerLearnedAfterTheOrders_TakesTheCustomersOrderCounts_AndTheCustomer()
    {
        var partner = Guid.NewGuid();
        var campaign = $"late-{partner:N}";
        var customer = $"c-{partner}";
        var at = DateTimeOffset.UtcNow.AddMinutes(-10);
        var orders = Enumerable.Range(0, 3).Select(i => $"o{i}-{partner}").ToArray();
        await factory.IngestAsync(
            orders.Select((order, i) => (object)Behaviour.Event(EventTypes.OrderCompleted, at.AddMinutes(i), campaign, order: order, amount: 10m, customer: customer)),
            Ct);
        await factory.WaitForReportAsync(Behaviour.KpiUrl("campaign", campaign, Today.AddDays(-1), Today.AddDays(1)), r => r.Totals.Count == 1 && r.Total().CustomerOrders == 3, Ct);

        foreach (var (order, i) in orders.Select((order, i) => (order, i)))
        {
            await factory.PublishAsync(Events.Conversion(partner, at.AddMinutes(i), 10m, 1m) with { OrderId = order });
        }

        var kpis = (await factory.WaitForReportAsync(PartnerUrl(partner), r => r.Totals.Count == 1 && r.Total().AttributedOrders == 3, Ct)).Total();
        Assert.Equal((3L, 3L, 1L, 2L, 0.6667m), (kpis.Orders, kpis.CustomerOrders, kpis.FirstOrders, kpis.RepeatOrders, kpis.RepeatPurchaseRate));
        Assert.Equal(1L, await SegmentAsync(partner, SegmentNames.FrequentBuyers));
    }

    [Fact]
    public async Task OrderEventAfterItsAttribution_CountsTheCustomerForThePartner()
    {
        var partner = Guid.NewGuid();
        var at = DateTimeOffset.UtcNow.AddMinutes(-10);
        var conversion = Events.Conversion(partner, at, 30m, 3m);
        await factory.PublishAsync(conversion);
        await factory.WaitForReportAsync(PartnerUrl(partner), r => r.Totals.Count == 1 && r.Total().AttributedOrders == 1, Ct);

        await factory.IngestAsync([Behaviour.Event(EventTypes.OrderCompleted, at, order: conversion.OrderId, amount: 30m, customer: $"c-{partner}")], Ct);

        var kpis = (await factory.WaitForReportAsync(PartnerUrl(partner), r => r.Total().CustomerOrders == 1, Ct)).Total();
        Assert.Equal((1L, 1L, 0m), (kpis.Orders, kpis.FirstOrders, kpis.RepeatPurchaseRate));
        Assert.Equal(1L, await SegmentAsync(partner, SegmentNames.FirstTimeBuyers));
    }

    /// <summary>The partner's customers in a segment (admin view: no suppression).</summary>
    private async Task<long?> SegmentAsync(Guid partner, string segment) =>
        (await (await factory.CreateClientWithScopes(PartnerMeshScopes.Admin).GetAsync($"/api/analytics/segments?partnerId={partner}", Ct))
            .ShouldBeAsync<SegmentReport>(HttpStatusCode.OK))
        .Segments.Single(s => s.Segment == segment).Customers;
}
