using System.Text.Json;
using PartnerMesh.Analytics.Api;
using PartnerMesh.Analytics.Api.Aggregation;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.Analytics.Api.Reporting;
using Xunit;

namespace PartnerMesh.Analytics.UnitTests;

/// <summary>
/// A click recorded after the storefront events naming it links them: the counts end up where they would have been had
/// the click come first, and applying the click again moves nothing. Also the carts' idle clock (server receipt).
/// </summary>
public class LateClickLinkProjectorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 10, 10, 0, 0, TimeSpan.Zero);

    private static readonly Guid Partner = Guid.Parse("aaaaaaaa-0000-0000-0000-000000000001");

    private static readonly Guid ClickId = Guid.Parse("cccccccc-0000-0000-0000-000000000003");

    private static AnalyticsEvent Click => new()
    {
        Type = EventTypes.ClickRecorded, OccurredAt = T0.AddSeconds(-5), ClickId = ClickId, PartnerId = Partner, UtmCampaign = "bf",
    };

    /// <summary>A visit whose landing page names the click; the rest of the session does not.</summary>
    private static AnalyticsEvent[] Visit =>
    [
        Behaviour(EventTypes.PageView, 0) with { ClickId = ClickId },
        Behaviour(EventTypes.ProductView, 1),
        Behaviour(EventTypes.AddToCart, 2) with { CartId = "cart", Amount = 40m, Currency = "EUR" },
        Behaviour(EventTypes.CheckoutStarted, 3) with { CartId = "cart" },
        Behaviour(EventTypes.OrderCompleted, 4) with { CartId = "cart", OrderId = "o", Amount = 40m, Currency = "EUR", CustomerId = "c" },
    ];

    private static AnalyticsEvent Behaviour(string type, int minute) => new()
    {
        Type = type, OccurredAt = T0.AddMinutes(minute), VisitorId = "v", SessionId = "s", UtmCampaign = "bf", UtmSource = "newsletter",
    };

    private static ProjectionState Apply(ProjectionState state, params AnalyticsEvent[] events)
    {
        var projector = new KpiProjector(state, TimeZoneInfo.Utc, new SegmentOptions(), T0);
        foreach (var e in events)
        {
            projector.Apply(e, replayed: false);
        }

        return state;
    }

    /// <summary>Every row's counters, summed over the states' deltas, by key (what the aggregates would hold).</summary>
    private static Dictionary<string, string> Rows(params ProjectionState[] states) =>
        states.SelectMany(state => state.Deltas.Values)
            .GroupBy(d => (d.Granularity, d.Dimension, d.DimensionValue, d.DimensionValue2, d.Period, d.Currency))
            .ToDictionary(
                group => group.Key.ToString(),
                group => JsonSerializer.Serialize(KpiFigureBuilder.Build(group.ToList())));

    [Fact]
    public void ClickAfterTheVisit_CountsTheVisitAsIfTheClickHadComeFirst()
    {
        var direct = Apply(new ProjectionState(), [Click, .. Visit]);
        var late = Apply(new ProjectionState(), [.. Visit, Click]);

        Assert.Equal(Rows(direct), Rows(late));
        Assert.Equal(Partner, late.Sessions["s"].PartnerId);
        Assert.Equal((Partner, Partner, Partner), (late.Carts["cart"].PartnerId, late.Orders["o"].PartnerId, late.Customers["c"].PartnerId));
        Assert.Equal([ClickId], late.LinkedClicks);
        Assert.Empty(late.UnlinkedClickEvents);
    }

    [Fact]
    public void ClickInALaterBatch_LinksTheEventsOfTheEarlierOne_AndAgainMovesNothing()
    {
        var first = Apply(new ProjectionState(), Visit);
        var unlinked = Assert.Single(first.UnlinkedClickEvents).Value;
        Assert.Equal(5, unlinked.Count);
        Assert.Null(first.Sessions["s"].PartnerId);
        Assert.Equal(ClickId, first.Sessions["s"].PendingClickId);

        // The next batch loads the facts and the unlinked events, as the aggregator does.
        var second = new ProjectionState();
        second.Sessions["s"] = first.Sessions["s"];
        second.Carts["cart"] = first.Carts["cart"];
        second.Orders["o"] = first.Orders["o"];
        second.Customers["c"] = first.Customers["c"];
        second.UnlinkedClickEvents[ClickId] = unlinked;
        // Applied twice (the log's key keeps this from happening): the second time it counts a click and moves nothing.
        Apply(second, Click, Click);

        var direct = Apply(new ProjectionState(), [Click, .. Visit]);
        var secondClick = Apply(new ProjectionState(), Click);
        Assert.Equal(Rows(direct, secondClick), Rows(first, second));
        Assert.Null(second.Sessions["s"].PendingClickId);
    }

    [Fact]
    public void ClickNeverRecorded_LeavesTheEventsWithoutAPartner()
    {
        var state = Apply(new ProjectionState(), Visit);

        Assert.DoesNotContain(state.Deltas.Values, d => d.Dimension.StartsWith("partner", StringComparison.Ordinal));
        Assert.Contains(state.UnlinkedClickEvents[ClickId], u => u is { StartedSession: true, Type: EventTypes.PageView });
        Assert.Contains(state.UnlinkedClickEvents[ClickId], u => u is { CreatedCart: true, Type: EventTypes.AddToCart });
    }

    [Fact]
    public void CartActivity_IsSeenWhenReceived_NeverAtAnEarlierClaimedTime()
    {
        var state = new ProjectionState();
        var projector = new KpiProjector(state, TimeZoneInfo.Utc, new SegmentOptions(), T0);
        var backDated = Behaviour(EventTypes.AddToCart, -120) with { CartId = "old", Quantity = 1 };
        var ahead = Behaviour(EventTypes.AddToCart, 3) with { CartId = "ahead", Quantity = 1 };

        projector.Apply(backDated, replayed: false, receivedAt: T0);
        projector.Apply(ahead, replayed: false, receivedAt: T0);

        Assert.Equal((T0.AddHours(-2), T0), (state.Carts["old"].LastActivityAt, state.Carts["old"].LastSeenAt));
        Assert.Equal(T0.AddMinutes(3), state.Carts["ahead"].LastSeenAt);
        Assert.Equal(T0.AddHours(-2), state.Carts["old"].CreatedAt);
    }
}
