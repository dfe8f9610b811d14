using System.Net;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.Analytics.Api.IntegrationEvents;
using PartnerMesh.Analytics.Api.Reporting;
using PartnerMesh.Analytics.Api.Scorecards;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Outbox;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>
/// <see cref="ConversionReattributed"/> (a late partner code moved an order's credit) moves the order between partners'
/// rows — single, pairs, scorecards, concentration — once, on the order's period, and a replay rebuilds the same.
/// </summary>
public class ConversionReattributedTests(BehaviourApiFactory factory) : IClassFixture<BehaviourApiFactory>
{
    private static readonly DateTimeOffset Noon = new(2025, 7, 1, 10, 0, 0, TimeSpan.Zero);

    private static readonly DateOnly Day = new(2025, 7, 1);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Admin => factory.CreateClientWithScopes(PartnerMeshScopes.Admin);

    private static string PartnerUrl(Guid partner, string granularity = "day") => Behaviour.KpiUrl("partner", partner.ToString(), Day, Day, granularity);

    private static string PairUrl(Guid partner) =>
        $"/api/analytics/kpis?dimensions=campaign,partner&value2={partner}&from={Day:yyyy-MM-dd}&to={Day:yyyy-MM-dd}";

    private static ConversionAttributed Attributed(string order, Guid partner, decimal amount, decimal commission, DateTimeOffset orderedAt, string currency = "EUR") => new()
    {
        EventId = Guid.NewGuid(), OccurredAt = orderedAt.AddMinutes(2), ConversionId = Guid.NewGuid(), OrderId = order, PartnerId = partner,
        OrderAmount = amount, Currency = currency, CommissionAmount = commission, OrderedAt = orderedAt,
    };

    private static ConversionReattributed Reattributed(
        string order, Guid? previous, Guid partner, decimal amount, decimal commission, DateTimeOffset orderedAt, string currency = "EUR") => new()
    {
        EventId = Guid.NewGuid(), OccurredAt = orderedAt.AddHours(3), ConversionId = Guid.NewGuid(), OrderId = order, PreviousPartnerId = previous,
        PartnerId = partner, Reason = "coupon-code", OrderAmount = amount, Currency = currency, CommissionAmount = commission, OrderedAt = orderedAt,
    };

    private Task WaitUntilAggregatedAsync() =>
        Eventually.UntilAsync(() => factory.QueryDbAsync(db => db.RawEvents.AllAsync(raw => raw.AggregatedAt != null, Ct)));

    [Fact]
    public async Task Reattribution_MovesTheOrdersCountRevenueAndCommission_ToTheNewPartner_OnceAndOnItsPeriod()
    {
        var (clicker, codeOwner) = (Guid.NewGuid(), Guid.NewGuid());
        var campaign = $"re-{Guid.NewGuid():N}";
        var order = "o-" + campaign;
        await factory.IngestAsync(
            [Behaviour.Event(EventTypes.OrderCompleted, Noon, campaign, order: order, amount: 80m, partner: clicker, customer: "c-" + campaign)],
            Ct);
        await factory.PublishAsync(Attributed(order, clicker, 80m, 8m, Noon));
        var beforeClicker = await factory.WaitForReportAsync(PartnerUrl(clicker), r => r.Totals.Count == 1 && r.Total().AttributedOrders == 1, Ct);
        Assert.Equal((1L, 80m, 8m), (beforeClicker.Total().Orders, beforeClicker.Total().Sales[0].Revenue, beforeClicker.Total().Sales[0].Commission));
        using var duplicates = new InboxDuplicates(factory.Services);
        var moved = Reattributed(order, clicker, codeOwner, 80m, 6m, Noon);

        await factory.PublishAsync(moved);
        var owner = (await factory.WaitForReportAsync(PartnerUrl(codeOwner), r => r.Totals.Count == 1 && r.Total().Orders == 1, Ct)).Total();

        Assert.Equal((1L, 1L), (owner.Orders, owner.AttributedOrders));
        var eur = Assert.Single(owner.Sales);
        Assert.Equal((1L, 80m, 6m, 80m, 0.075m), (eur.Orders, eur.Revenue, eur.Commission, eur.PartnerRevenue, eur.CommissionToRevenue));
        var clickerNow = (await factory.ReportAsync(PartnerUrl(clicker), Ct)).Total();
        Assert.Equal((0L, 0L, 0L), (clickerNow.Orders, clickerNow.AttributedOrders, clickerNow.CustomerOrders));
        Assert.All(clickerNow.Sales, money => Assert.Equal((0L, 0m, 0m, 0m), (money.Orders, money.Revenue, money.Commission, money.PartnerRevenue)));

        // On the order's hour (12:00 in Berlin), not the reattribution's; the pair rows moved with the single rows.
        var hours = await factory.ReportAsync(PartnerUrl(codeOwner, "hour"), Ct);
        Assert.Equal("2025-07-01T12:00", Assert.Single(hours.Rows).Period);
        var pair = await factory.ReportAsync(PairUrl(codeOwner), Ct);
        var pairTotals = Assert.Single(pair.Totals);
        Assert.Equal((codeOwner.ToString(), campaign, 1L, 1L), (pairTotals.DimensionValue, pairTotals.DimensionValue2, pairTotals.Kpis.Orders, pairTotals.Kpis.CustomerOrders));
        // The clicker's pair rows are left with nothing counted: no longer reported, as if the order had never been theirs.
        Assert.Empty((await factory.ReportAsync(PairUrl(clicker), Ct)).Totals);
        var merchant = (await factory.ReportAsync(Behaviour.KpiUrl("campaign", campaign, Day, Day), Ct)).Total();
        Assert.Equal((1L, 1L, 6m), (merchant.Orders, merchant.AttributedOrders, merchant.Sales[0].Commission));

        // The scorecards follow.
        var scorecard = await (await Admin.GetAsync($"/api/analytics/partners/{codeOwner}/scorecard?from={Day:yyyy-MM-dd}&to={Day:yyyy-MM-dd}", Ct))
            .ShouldBeAsync<Scorecard>(HttpStatusCode.OK);
        Assert.Equal((1L, 80m), (scorecard.Kpis.Orders, scorecard.Kpis.Sales[0].Revenue));

        // A redelivery (same message) and a republication (same fact, new message id) change nothing.
        await factory.PublishAsync(moved);
        await duplicates.WaitForAsync(1, nameof(LogConversionReattributedConsumer));
        var republished = moved with { EventId = Guid.NewGuid() };
        await factory.PublishAsync(republished);
        await Eventually.UntilAsync(() => factory.QueryDbAsync(db => db.Set<InboxMessage>().AnyAsync(m => m.MessageId == republished.EventId, Ct)));
        await WaitUntilAggregatedAsync();
        Assert.Equivalent(owner, (await factory.ReportAsync(PartnerUrl(codeOwner), Ct)).Total(), strict: true);
        var logId = $"conversion-reattributed:{moved.ConversionId}:";
        Assert.Equal(1, await factory.QueryDbAsync(db => db.RawEvents.CountAsync(raw => raw.EventId.StartsWith(logId), Ct)));

        // A replay rebuilds the same rows.
        var all = await factory.ReportAsync(Behaviour.KpiUrl("all", null, Day, Day), Ct);
        await factory.ReplayAsync(Ct);
        Assert.Equivalent(owner, (await factory.ReportAsync(PartnerUrl(codeOwner), Ct)).Total(), strict: true);
        Assert.Equivalent(clickerNow, (await factory.ReportAsync(PartnerUrl(clicker), Ct)).Total(), strict: true);
        Assert.Equivalent(pair, await factory.ReportAsync(PairUrl(codeOwner), Ct), strict: true);
        Assert.Equivalent(all, await factory.ReportAsync(Behaviour.KpiUrl("all", null, Day, Day), Ct), strict: true);
    }

    [Fact]
    public async Task Attribution_CreditingAnotherPartnerThanTheOrdersTrafficSource_MovesTheOrderToTheCreditedPartner()
    {
        var (trafficSource, credited) = (Guid.NewGuid(), Guid.NewGuid());
        var campaign = $"cr-{Guid.NewGuid():N}";
        var order = "o-" + campaign;
        await factory.IngestAsync([Behaviour.Event(EventTypes.OrderCompleted, Noon, campaign, order: order, amount: 40m, partner: trafficSource)], Ct);
        await factory.WaitForReportAsync(PartnerUrl(trafficSource), r => r.Totals.Count == 1 && r.Total().Orders == 1, Ct);

        await factory.PublishAsync(Attributed(order, credited, 40m, 4m, Noon));
        var owner = (await factory.WaitForReportAsync(PartnerUrl(credited), r => r.Totals.Count == 1 && r.Total().Orders == 1, Ct)).Total();

        Assert.Equal((1L, 40m, 4m, 40m), (owner.AttributedOrders, owner.Sales[0].Revenue, owner.Sales[0].Commission, owner.Sales[0].PartnerRevenue));
        var source = (await factory.ReportAsync(PartnerUrl(trafficSource), Ct)).Total();
        Assert.Equal((0L, 0L), (source.Orders, source.AttributedOrders));
        Assert.All(source.Sales, money => Assert.Equal((0m, 0m), (money.Revenue, money.Commission)));
        var merchant = (await factory.ReportAsync(Behaviour.KpiUrl("campaign", campaign, Day, Day), Ct)).Total();
        Assert.Equal((1L, 1L, 40m), (merchant.Orders, merchant.AttributedOrders, merchant.Sales[0].PartnerRevenue));
    }

    [Fact]
    public async Task Reattribution_WithoutAPreviousPartner_GivesTheOrderItsPartner_AndMakesItPartnerRevenue()
    {
        var codeOwner = Guid.NewGuid();
        var campaign = $"np-{Guid.NewGuid():N}";
        var order = "o-" + campaign;
        await factory.IngestAsync([Behaviour.Event(EventTypes.OrderCompleted, Noon, campaign, order: order, amount: 50m)], Ct);
        var campaignUrl = Behaviour.KpiUrl("campaign", campaign, Day, Day);
        await factory.WaitForReportAsync(campaignUrl, r => r.Totals.Count == 1 && r.Total().Orders == 1, Ct);

        await factory.PublishAsync(Reattributed(order, null, codeOwner, 50m, 5m, Noon));
        var owner = (await factory.WaitForReportAsync(PartnerUrl(codeOwner), r => r.Totals.Count == 1 && r.Total().Orders == 1, Ct)).Total();

        Assert.Equal((1L, 50m, 5m), (owner.AttributedOrders, owner.Sales[0].Revenue, owner.Sales[0].Commission));
        var inCampaign = (await factory.ReportAsync(campaignUrl, Ct)).Total();
        Assert.Equal((1L, 1L, 5m), (inCampaign.Orders, inCampaign.AttributedOrders, inCampaign.Sales[0].Commission));
        Assert.Equal(1L, (await factory.ReportAsync(PairUrl(codeOwner), Ct)).Total().Orders);
    }

    [Fact]
    public async Task ReattributionBeforeTheOrder_CountsItForTheNewPartner_AndTheLateOrderAndOldCreditChangeNothing()
    {
        var (clicker, codeOwner) = (Guid.NewGuid(), Guid.NewGuid());
        var order = $"early-{Guid.NewGuid():N}";

        await factory.PublishAsync(Reattributed(order, clicker, codeOwner, 40m, 4m, Noon));
        await factory.WaitForReportAsync(PartnerUrl(codeOwner), r => r.Totals.Count == 1 && r.Total().Orders == 1, Ct);
        var late = Attributed(order, clicker, 40m, 4.5m, Noon);
        await factory.PublishAsync(late);
        await factory.IngestAsync([Behaviour.Event(EventTypes.OrderCompleted, Noon, order: order, amount: 40m, partner: clicker, eventId: "completed-" + order)], Ct);
        string[] logIds = [$"conversion-attributed:{late.ConversionId}", "completed-" + order];
        await Eventually.UntilAsync(async () => await factory.QueryDbAsync(db => db.RawEvents.CountAsync(raw => logIds.Contains(raw.EventId), Ct)) == 2);
        await WaitUntilAggregatedAsync();

        var owner = (await factory.ReportAsync(PartnerUrl(codeOwner), Ct)).Total();
        Assert.Equal((1L, 1L, 40m, 4m), (owner.Orders, owner.AttributedOrders, owner.Sales[0].Revenue, owner.Sales[0].Commission));
        // The clicker is in no row now (neither counted the order): known from attribution's registration, as in production.
        await factory.PublishAsync(TestEvents.PartnerRegistered(clicker, "Clicker"));
        await Eventually.UntilAsync(() => factory.QueryDbAsync(db => db.Partners.AnyAsync(p => p.Id == clicker, Ct)));
        var clickerRows = await factory.ReportAsync(PartnerUrl(clicker), Ct);
        Assert.All(clickerRows.Totals, t => Assert.Equal(0L, t.Kpis.Orders));
        Assert.All(clickerRows.Totals.SelectMany(t => t.Kpis.Sales), money => Assert.Equal(0m, money.Revenue));
    }

    [Fact]
    public async Task Reattribution_MovesTheConcentrationShare()
    {
        // Today (the concentration window is trailing), in a currency no other test uses.
        var (clicker, codeOwner) = (Guid.NewGuid(), Guid.NewGuid());
        var order = $"conc-{Guid.NewGuid():N}";
        await factory.PublishAsync(Attributed(order, clicker, 100m, 10m, DateTimeOffset.UtcNow.AddMinutes(-1), "CHF"));
        await ShareAsync(clicker, 1m);

        await factory.PublishAsync(Reattributed(order, clicker, codeOwner, 100m, 10m, DateTimeOffset.UtcNow.AddMinutes(-1), "CHF"));

        await ShareAsync(codeOwner, 1m);
        await ShareAsync(clicker, 0m);
    }

    private Task ShareAsync(Guid partner, decimal share) =>
        Eventually.UntilAsync(async () =>
        {
            var report = await (await Admin.GetAsync("/api/analytics/concentration", Ct)).ShouldBeAsync<ConcentrationReport>(HttpStatusCode.OK);
            return report.Partners.Any(p => p.PartnerId == partner && p.Currency == "CHF" && p.RevenueShare == share);
        }, because: $"{partner}'s CHF revenue share should become {share}");
}
