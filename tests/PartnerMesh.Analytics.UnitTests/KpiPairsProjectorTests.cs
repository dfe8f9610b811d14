using PartnerMesh.Analytics.Api;
using PartnerMesh.Analytics.Api.Aggregation;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.Analytics.Api.Reporting;
using Xunit;

namespace PartnerMesh.Analytics.UnitTests;

/// <summary>Two-dimension rows and re-attribution in the projector (pure: deltas only).</summary>
public class KpiPairsProjectorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 10, 10, 0, 0, TimeSpan.Zero);

    private static readonly Guid A = Guid.Parse("aaaaaaaa-0000-0000-0000-000000000001");

    private static readonly Guid B = Guid.Parse("bbbbbbbb-0000-0000-0000-000000000002");

    private readonly ProjectionState _state = new();

    private void Apply(params AnalyticsEvent[] events)
    {
        var projector = new KpiProjector(_state, TimeZoneInfo.Utc, new SegmentOptions(), T0);
        foreach (var e in events)
        {
            projector.Apply(e, replayed: false);
        }
    }

    private List<KpiAggregate> Rows(string dimension, string value, string value2 = "") =>
        _state.Deltas.Values.Where(d => d.Granularity == Granularities.Day && d.Dimension == dimension && d.DimensionValue == value && d.DimensionValue2 == value2).ToList();

    private KpiFigures Figures(string dimension, string value, string value2 = "") => KpiFigureBuilder.Build(Rows(dimension, value, value2));

    private static AnalyticsEvent Order(string order, Guid? partner = null, decimal amount = 100m, int minute = 0) => new()
    {
        Type = EventTypes.OrderCompleted, OccurredAt = T0.AddMinutes(minute), VisitorId = "v", OrderId = order, Amount = amount, Currency = "EUR",
        PartnerId = partner, UtmCampaign = "bf", UtmSource = "newsletter", Touchpoint = "checkout",
    };

    private static AnalyticsEvent Attributed(string order, Guid partner, decimal commission, decimal amount = 100m) => new()
    {
        Type = EventTypes.ConversionAttributed, OccurredAt = T0, OrderId = order, Amount = amount, Currency = "EUR", PartnerId = partner, Commission = commission,
    };

    private static AnalyticsEvent Reattributed(string order, Guid partner, decimal commission, int afterMinutes = 30, decimal amount = 100m) => new()
    {
        Type = EventTypes.ConversionReattributed, OccurredAt = T0, ReattributedAt = T0.AddMinutes(afterMinutes), OrderId = order, Amount = amount,
        Currency = "EUR", PartnerId = partner, Commission = commission,
    };

    [Fact]
    public void AnOrderWithFourSingleValuedDimensions_CountsInEachOfTheSixPairs()
    {
        Apply(Order("o", A));

        var pairs = _state.Deltas.Values.Where(d => d.Granularity == Granularities.Day && Dimensions.Pairs.Contains(d.Dimension) && d.Currency == "").ToList();
        Assert.Equal(
            [
                ("campaign,touchpoint", "bf", "checkout"), ("campaign,traffic_source", "bf", "newsletter"), ("partner,campaign", A.ToString(), "bf"),
                ("partner,touchpoint", A.ToString(), "checkout"), ("partner,traffic_source", A.ToString(), "newsletter"),
                ("touchpoint,traffic_source", "checkout", "newsletter"),
            ],
            pairs.Select(d => (d.Dimension, d.DimensionValue, d.DimensionValue2)).Order());
        Assert.All(pairs, d => Assert.Equal(1, d.Orders));
        Assert.Equal(6, Dimensions.Pairs.Count);
    }

    [Fact]
    public void WithoutAPartnerOrCampaign_TheirPairsAreNotWritten()
    {
        Apply(Order("o") with { UtmCampaign = null });

        Assert.Equal(
            ["touchpoint,traffic_source"],
            _state.Deltas.Values.Where(d => Dimensions.Pairs.Contains(d.Dimension)).Select(d => d.Dimension).Distinct());
    }

    [Fact]
    public void APartnerLearnedLater_MovesTheOrderIntoItsPairRowsToo()
    {
        Apply(Order("o"), Attributed("o", A, 10m));

        Assert.Equal((1L, 1L), (Figures(Dimensions.Partner, A.ToString()).Orders, Figures("partner,campaign", A.ToString(), "bf").Orders));
        Assert.Equal(10m, Assert.Single(Figures("partner,touchpoint", A.ToString(), "checkout").Sales).Commission);
    }

    [Fact]
    public void Reattribution_MovesTheOrderFromTheOldPartnersRowsToTheNew_AndReplacesItsCommissionEverywhere()
    {
        Apply(Order("o", A), Attributed("o", A, 10m), Reattributed("o", B, 7m));

        foreach (var (dimension, value2) in new[] { (Dimensions.Partner, ""), ("partner,campaign", "bf"), ("partner,traffic_source", "newsletter") })
        {
            var old = Figures(dimension, A.ToString(), value2);
            Assert.Equal((0L, 0L), (old.Orders, old.AttributedOrders));
            Assert.All(old.Sales, money => Assert.Equal((0L, 0m, 0m, 0m), (money.Orders, money.Revenue, money.Commission, money.PartnerRevenue)));
            var moved = Figures(dimension, B.ToString(), value2);
            Assert.Equal((1L, 1L), (moved.Orders, moved.AttributedOrders));
            var eur = Assert.Single(moved.Sales);
            Assert.Equal((1L, 100m, 7m, 100m), (eur.Orders, eur.Revenue, eur.Commission, eur.PartnerRevenue));
        }

        var all = Assert.Single(Figures(Dimensions.All, "").Sales);
        var campaign = Figures(Dimensions.Campaign, "bf");
        Assert.Equal((1L, 100m, 7m, 100m), (all.Orders, all.Revenue, all.Commission, all.PartnerRevenue));
        Assert.Equal((1L, 1L, 7m), (campaign.Orders, campaign.AttributedOrders, Assert.Single(campaign.Sales).Commission));
    }

    [Fact]
    public void Reattribution_MovesTheCustomersOrderCounts_WhenTheOldPartnersRowsHadThem()
    {
        Apply(Order("o", A) with { CustomerId = "c" }, Attributed("o", A, 10m), Reattributed("o", B, 7m));

        var (old, moved) = (Figures(Dimensions.Partner, A.ToString()), Figures(Dimensions.Partner, B.ToString()));
        Assert.Equal((0L, 0L), (old.CustomerOrders, old.FirstOrders));
        Assert.Equal((1L, 1L, 0L), (moved.CustomerOrders, moved.FirstOrders, moved.RepeatOrders));
        Assert.Equal((0L, 1L), (Figures("partner,campaign", A.ToString(), "bf").CustomerOrders, Figures("partner,campaign", B.ToString(), "bf").CustomerOrders));
        Assert.Equal(1L, Figures(Dimensions.Campaign, "bf").CustomerOrders);
    }

    [Fact]
    public void ReattributionOfAnUnattributedOrder_GivesItAPartner_AndCountsItAttributedOnce()
    {
        Apply(Order("o"), Reattributed("o", B, 5m), Reattributed("o", B, 5m));

        var partner = Figures(Dimensions.Partner, B.ToString());
        var all = Figures(Dimensions.All, "");
        Assert.Equal((1L, 1L, 5m), (partner.Orders, partner.AttributedOrders, Assert.Single(partner.Sales).Commission));
        Assert.Equal((1L, 1L, 100m, 5m), (all.Orders, all.AttributedOrders, Assert.Single(all.Sales).PartnerRevenue, Assert.Single(all.Sales).Commission));
    }

    [Fact]
    public void ReattributionBeforeTheOrder_CountsTheOrderForTheNewPartner_AndTheLateOldCreditChangesNothing()
    {
        Apply(Reattributed("o", B, 7m), Attributed("o", A, 10m), Order("o", A));

        var all = Figures(Dimensions.All, "");
        Assert.Equal((1L, 1L, 7m), (all.Orders, all.AttributedOrders, Assert.Single(all.Sales).Commission));
        Assert.Equal(1L, Figures(Dimensions.Partner, B.ToString()).Orders);
        Assert.Empty(Figures(Dimensions.Partner, A.ToString()).Sales);
        Assert.Equal(0L, Figures(Dimensions.Partner, A.ToString()).Orders);
    }

    [Fact]
    public void AnOlderReattributionArrivingAfterANewerOne_ChangesNothing()
    {
        var c = Guid.NewGuid();
        Apply(Order("o", A), Attributed("o", A, 10m), Reattributed("o", c, 3m, afterMinutes: 60), Reattributed("o", B, 7m, afterMinutes: 30));

        Assert.Equal((0L, 0L, 1L), (Figures(Dimensions.Partner, A.ToString()).Orders, Figures(Dimensions.Partner, B.ToString()).Orders, Figures(Dimensions.Partner, c.ToString()).Orders));
        Assert.Equal(3m, Assert.Single(Figures(Dimensions.All, "").Sales).Commission);
    }

    [Theory]
    [InlineData("campaign", "partner", "partner", "campaign")]
    [InlineData("traffic_source", "touchpoint", "touchpoint", "traffic_source")]
    [InlineData("partner", "traffic_source", "partner", "traffic_source")]
    public void Pairs_AreOrderInsensitive_AndNamedInCanonicalOrder(string a, string b, string first, string second)
    {
        Assert.Equal((first, second), Dimensions.Pair(a, b));
        Assert.Contains(Dimensions.PairName(first, second), Dimensions.Pairs);
    }

    [Theory]
    [InlineData("partner", "partner")]
    [InlineData("partner", "segment")]
    [InlineData("all", "campaign")]
    [InlineData("planet", "campaign")]
    public void UnsupportedPairs_DoNotPair(string a, string b) => Assert.Null(Dimensions.Pair(a, b));
}
