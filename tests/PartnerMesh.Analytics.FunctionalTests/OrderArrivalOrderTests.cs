using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.Analytics.Api.Reporting;
using PartnerMesh.Analytics.Api.Segments;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Contracts.Coupons;
using PartnerMesh.Contracts.Promotions;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>
/// An order counts the same whichever of the storefront's <c>order_completed</c>, coupons' <c>CouponRedeemed</c>,
/// promotions' verification and attribution's conversion (followed by a refund) reaches analytics first: in every one of
/// the 24 arrival orders the order lands, with every count, flag and money it carries, in every row of its session —
/// campaign, traffic source, touchpoint, segment, partner, their pairs, per day and per hour — exactly as when the
/// storefront tells first; a replay rebuilds the same rows. Each arrival order has a day of its own, so every row of
/// that day is its own.
/// </summary>
public class OrderArrivalOrderTests(BehaviourApiFactory factory) : IClassFixture<BehaviourApiFactory>
{
    private const string Campaign = "spring-sale";
    private const string Source = "newsletter";
    private static readonly DateTimeOffset FirstDay = new(2025, 3, 3, 0, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private enum Teller
    {
        Storefront,
        Coupons,
        Promotions,
        Attribution,
    }

    [Fact]
    public async Task EveryArrivalOrder_OfStorefrontCouponVerificationAndConversion_GivesTheStorefrontFirstRows_AndAReplayTheSame()
    {
        var scenarios = Permutations([Teller.Storefront, Teller.Coupons, Teller.Promotions, Teller.Attribution])
            .Select((order, index) => new Scenario(index, order))
            .ToList();
        Assert.Equal(24, scenarios.Count);

        await Task.WhenAll(scenarios.Select(TellAsync));
        await Eventually.UntilAsync(
            () => factory.QueryDbAsync(db => db.RawEvents.AllAsync(raw => raw.AggregatedAt != null, Ct)), because: "every event should be aggregated");

        var rows = await Task.WhenAll(scenarios.Select(RowsAsync));
        var storefrontFirst = rows[0];
        var campaign = Assert.Single(storefrontFirst, report => report.Url.StartsWith("campaign day", StringComparison.Ordinal)).Report.Total();
        Assert.Equal(
            (1L, 1L, 1L, 1L, 1L, 1L, 1L, 1L, 1L, 1L, 1L, 1L),
            (campaign.Sessions, campaign.ConvertedSessions, campaign.Orders, campaign.CouponOrders, campaign.VerifiedOrders, campaign.PromotionOrders,
                campaign.PromotionMismatches, campaign.AttributedOrders, campaign.RefundedOrders, campaign.CustomerOrders, campaign.FirstOrders, campaign.Refunds));
        Assert.Equal((1m, 1m, 1m), (campaign.CouponRedemptionRate, campaign.PromotionErrorRate, campaign.ConversionRate));
        var eur = Assert.Single(campaign.Sales);
        Assert.Equal((1L, 30m, 40m, 3m, 30m, 30m), (eur.Orders, eur.Revenue, eur.GrossRevenue, eur.Commission, eur.AverageOrderValue, eur.PartnerRevenue));

        var before = rows.Select(Normalized).ToList();
        for (var index = 1; index < scenarios.Count; index++)
        {
            Assert.True(before[0] == before[index], $"{scenarios[index]} should count as the storefront telling first:\n{Difference(before[0], before[index])}");
        }

        await factory.ReplayAsync(Ct);

        var replayed = (await Task.WhenAll(scenarios.Select(RowsAsync))).Select(Normalized).ToList();
        Assert.Equal(before, replayed);
    }

    /// <summary>The session starts (a page view, a cart), then each service tells of its order in the scenario's order, one after another.</summary>
    private async Task TellAsync(Scenario scenario)
    {
        var (day, id) = (scenario.Day, scenario.Id);
        await factory.IngestAsync(
            [
                Behaviour.Event(EventTypes.PageView, day.AddHours(9).AddMinutes(50), Campaign, session: "s-" + id, customer: "c-" + id, visitor: "v-" + id, source: Source),
                Behaviour.Event(EventTypes.AddToCart, day.AddHours(9).AddMinutes(52), Campaign, session: "s-" + id, cart: "cart-" + id, amount: 40m,
                    customer: "c-" + id, visitor: "v-" + id, source: Source),
            ],
            Ct);
        foreach (var teller in scenario.Order)
        {
            switch (teller)
            {
                case Teller.Storefront:
                    var order = Behaviour.Event(EventTypes.OrderCompleted, day.AddHours(10).AddMinutes(1), Campaign, session: "s-" + id, cart: "cart-" + id,
                        order: scenario.OrderId, amount: 40m, customer: "c-" + id, visitor: "v-" + id, source: Source);
                    await factory.IngestAsync([order], Ct);
                    break;
                case Teller.Coupons:
                    var redeemed = new CouponRedeemed
                    {
                        EventId = Guid.NewGuid(),
                        OccurredAt = day.AddHours(9).AddMinutes(59),
                        RedemptionId = Guid.NewGuid(),
                        OrderId = scenario.OrderId,
                        CodeId = Guid.NewGuid(),
                        Code = "SPRING10",
                        CampaignId = Guid.NewGuid(),
                        PromotionId = Guid.NewGuid(),
                        OrderTotal = 40m,
                        Currency = "EUR",
                        PartnerId = scenario.CodeOwner,
                    };
                    await PublishAndWaitAsync(redeemed, $"coupon-redeemed:{redeemed.RedemptionId}");
                    break;
                case Teller.Promotions:
                    var verified = new OrderPromotionsVerified
                    {
                        EventId = Guid.NewGuid(),
                        OccurredAt = day.AddHours(9).AddMinutes(58),
                        OrderId = scenario.OrderId,
                        QuoteId = Guid.NewGuid(),
                        Outcome = "mismatch",
                        Currency = "EUR",
                        DiscountTotal = 4m,
                        GrandTotal = 40m,
                        Promotions = [new RedeemedPromotion { PromotionId = Guid.NewGuid(), Version = 1, Amount = 4m }],
                    };
                    await PublishAndWaitAsync(verified, $"order-promotions-verified:{verified.OrderId}:{verified.QuoteId}");
                    break;
                case Teller.Attribution:
                    var conversion = new ConversionAttributed
                    {
                        EventId = Guid.NewGuid(),
                        OccurredAt = day.AddHours(10).AddMinutes(2),
                        ConversionId = Guid.NewGuid(),
                        OrderId = scenario.OrderId,
                        PartnerId = scenario.Partner,
                        OrderAmount = 40m,
                        Currency = "EUR",
                        CommissionAmount = 4m,
                        OrderedAt = day.AddHours(9).AddMinutes(59).AddSeconds(30),
                    };
                    await PublishAndWaitAsync(conversion, $"conversion-attributed:{conversion.ConversionId}");
                    var refund = new RefundRecorded
                    {
                        EventId = Guid.NewGuid(),
                        OccurredAt = day.AddHours(11),
                        RefundId = "r-" + id,
                        OrderId = scenario.OrderId,
                        Kind = "refund",
                        Amount = 10m,
                        Currency = "EUR",
                        IsFullRefund = false,
                        RefundedAt = day.AddHours(11),
                        PartnerId = scenario.Partner,
                        CommissionReversed = 1m,
                    };
                    await PublishAndWaitAsync(refund, $"refund-recorded:{refund.RefundId}");
                    break;
            }
        }
    }

    private async Task PublishAndWaitAsync<T>(T message, string logId)
        where T : class, PartnerMesh.Contracts.IIntegrationEvent
    {
        await factory.PublishAsync(message);
        await Eventually.UntilAsync(() => factory.QueryDbAsync(db => db.RawEvents.AnyAsync(raw => raw.EventId == logId, Ct)), because: $"{logId} should be logged");
    }

    /// <summary>The scenario's day's reports of every row its order is in, per day and per hour.</summary>
    private async Task<(string Url, KpiReport Report)[]> RowsAsync(Scenario scenario)
    {
        var day = DateOnly.FromDateTime(scenario.Day.UtcDateTime);
        string[] queries =
        [
            "dimension=all", $"dimension=campaign&value={Campaign}", $"dimension=traffic_source&value={Source}", "dimension=touchpoint&value=order",
            $"dimension=segment&value={SegmentNames.FirstTimeBuyers}", $"dimension=partner&value={scenario.Partner}",
            $"dimensions=partner,campaign&value={scenario.Partner}", $"dimensions=partner,traffic_source&value={scenario.Partner}",
            $"dimensions=campaign,touchpoint&value={Campaign}", $"dimensions=touchpoint,traffic_source&value=order",
        ];
        return await Task.WhenAll(queries.SelectMany(query => new[] { "day", "hour" }.Select(async granularity =>
        {
            var url = $"/api/analytics/kpis?{query}&from={day:yyyy-MM-dd}&to={day:yyyy-MM-dd}&granularity={granularity}";
            var name = $"{query.Split('&')[0].Split('=')[1]} {granularity}";
            return (name, await factory.ReportAsync(url, Ct));
        })));
    }

    /// <summary>The rows without their date and the scenario's partner id, numbers without trailing zeros, one line per report.</summary>
    private static string Normalized((string Url, KpiReport Report)[] reports) => string.Join('\n', reports.Select(entry =>
    {
        var rows = entry.Report.Rows.Select(row => new { Time = row.Period[10..], row.Kpis });
        var totals = entry.Report.Totals.Select(total => total.Kpis);
        return $"{entry.Url}: {Numbers(JsonSerializer.SerializeToNode(new { rows, totals }))!.ToJsonString()}";
    }));

    private static JsonNode? Numbers(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, Numbers(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Numbers)]),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => JsonValue.Create(v.GetValue<decimal>() / 1.0000000000000000000000000000m),
        _ => node?.DeepClone(),
    };

    private static string Difference(string expected, string actual) => string.Join('\n', expected.Split('\n').Zip(actual.Split('\n'))
        .Where(pair => pair.First != pair.Second)
        .Select(pair => $"  expected {pair.First}\n  actual   {pair.Second}"));

    private static IEnumerable<Teller[]> Permutations(Teller[] tellers) => tellers.Length == 1
        ? [tellers]
        : tellers.SelectMany((first, index) => Permutations([.. tellers.Where((_, other) => other != index)]).Select(rest => (Teller[])[first, .. rest]));

    private sealed record Scenario(int Index, Teller[] Order)
    {
        public string Id { get; } = $"{Index}-{Guid.NewGuid():N}";

        public DateTimeOffset Day => FirstDay.AddDays(Index);

        public string OrderId => "o-" + Id;

        /// <summary>The partner attribution credits.</summary>
        public Guid Partner { get; } = Guid.NewGuid();

        /// <summary>The partner whose code the coupon is (attribution's credit decides).</summary>
        public Guid CodeOwner { get; } = Guid.NewGuid();

        public override string ToString() => string.Join(" → ", Order);
    }
}
