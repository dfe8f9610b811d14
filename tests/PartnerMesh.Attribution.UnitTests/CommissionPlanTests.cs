using PartnerMesh.Attribution.Api.Common;
using PartnerMesh.Attribution.Api.Programs;
using Xunit;

namespace PartnerMesh.Attribution.UnitTests;

public class CommissionPlanTests
{
    private static readonly CommissionPlan Tiered = new()
    {
        Type = CommissionPlan.Percent,
        Rate = 0.10m,
        Tiers = [new VolumeTier(10, 0.12m, null), new VolumeTier(50, 0.15m, null)],
    };

    [Theory]
    [InlineData(1, 0, "10.00")]
    [InlineData(9, 0, "10.00")]
    [InlineData(10, 1, "12.00")]
    [InlineData(49, 1, "12.00")]
    [InlineData(50, 2, "15.00")]
    public void Tiers_PartnerGraduatesThroughThePeriod(int periodConversions, int tier, string commission)
    {
        var quote = CommissionCalculator.ForSale(Tiered, 100m, "EUR", "EUR", null, periodConversions);

        Assert.Equal((tier, commission), (quote.Tier, quote.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Fixed_PaysTheFixedAmountInTheProgramCurrency()
    {
        var plan = new CommissionPlan { Type = CommissionPlan.Fixed, FixedAmount = 15m };

        var quote = CommissionCalculator.ForSale(plan, 80m, "USD", "EUR", null, 1);

        Assert.Equal((15.00m, "EUR"), (quote.Amount, quote.Currency));
    }

    [Fact]
    public void Categories_OverrideTheRateForTheirLines_RestEarnsTheBaseRate()
    {
        var plan = new CommissionPlan
        {
            Type = CommissionPlan.Percent,
            Rate = 0.10m,
            Categories = new Dictionary<string, CategoryTerms> { ["electronics"] = new(0.03m, null), ["fashion"] = new(0.20m, null) },
        };

        // 200 × 3 % + 50 × 20 % + 30 × 10 % (books) + 20 × 10 % (unlisted remainder) = 6 + 10 + 3 + 2
        var quote = CommissionCalculator.ForSale(plan, 300m, "EUR", "EUR",
            [new("electronics", 200m), new("fashion", 50m), new("books", 30m)], 1);

        Assert.Equal(21.00m, quote.Amount);
    }

    [Fact]
    public void FixedCategories_PayOncePerOrderAndCategory_TierAmountForOtherLines_NothingForFreeLines()
    {
        var plan = new CommissionPlan
        {
            Type = CommissionPlan.Fixed,
            FixedAmount = 5m,
            Categories = new Dictionary<string, CategoryTerms> { ["books"] = new(null, 2m) },
            Tiers = [new VolumeTier(3, null, 8m)],
        };

        // books twice (2 once) + a free books line (nothing) + other (the tier's 8 once, not the base 5)
        var quote = CommissionCalculator.ForSale(plan, 50m, "USD", "EUR",
            [new("books", 10m), new("books", 20m), new("books", 0m), new("other", 20m)], 3);

        Assert.Equal((10.00m, "EUR", 1), (quote.Amount, quote.Currency, quote.Tier));
    }

    [Theory]
    [InlineData("KWD", "10.005", "0.1", "1.001")]
    [InlineData("KWD", "1.235", "0.5", "0.618")]
    [InlineData("JPY", "1005", "0.1", "101")]
    [InlineData("JPY", "1004", "0.1", "100")]
    [InlineData("EUR", "0.05", "0.1", "0.01")]
    [InlineData("BHD", "0.001", "0.5", "0.001")]
    public void Percent_RoundsHalfAwayFromZeroToTheCurrencyMinorUnit(string currency, string amount, string rate, string expected)
    {
        var plan = CommissionPlan.FlatRate(decimal.Parse(rate, System.Globalization.CultureInfo.InvariantCulture));

        var quote = CommissionCalculator.ForSale(plan, decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), currency, currency, null, 1);

        Assert.Equal(expected, quote.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("10.00", "0", "100", "25", false, "2.50")]
    [InlineData("10.00", "2.50", "100", "75", true, "7.50")]
    [InlineData("10.00", "0", "100", "100", true, "10.00")]
    [InlineData("0.01", "0", "3", "1", false, "0.00")]
    [InlineData("1.00", "0.33", "3", "2", false, "0.34")]
    [InlineData("0.03", "0.02", "6", "2", false, "0.00")]
    [InlineData("0.03", "0.02", "6", "3", false, "0.00")]
    [InlineData("0.03", "0.02", "6", "4", false, "0.00")]
    [InlineData("0.03", "0.02", "6", "5", false, "0.01")]
    public void Reversal_TakesTheCumulativeRefundedShare_AndTheLastRefundTakesTheRest(
        string commission, string alreadyReversed, string order, string refundedSoFar, bool full, string expected)
    {
        static decimal D(string value) => decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture);

        var reversal = CommissionCalculator.Reversal(D(commission), D(alreadyReversed), D(order), D(refundedSoFar), full, "EUR");

        Assert.Equal(expected, reversal.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("10", null, "0", "10")]
    [InlineData("10", "100", "95", "5")]
    [InlineData("10", "100", "100", "0")]
    [InlineData("10", "100", "120", "0")]
    public void Budget_CapsWhatIsLeft(string amount, string? budget, string booked, string expected)
    {
        static decimal D(string value) => decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(D(expected), CommissionCalculator.CapByBudget(D(amount), budget is null ? null : D(budget), D(booked), "EUR"));
    }

    [Fact]
    public void Milestones_SecondAndThirdOrderAndActiveDays()
    {
        var plan = new CommissionPlan
        {
            Rate = 0.1m,
            Milestones = [new RetentionMilestone(2, null, 5m), new RetentionMilestone(3, null, 7m), new RetentionMilestone(null, 90, 20m)],
        };
        var first = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

        Assert.Empty(CommissionCalculator.MilestonesReached(plan, 1, first, first));
        Assert.Equal([5m], CommissionCalculator.MilestonesReached(plan, 2, first, first.AddDays(10)).Select(m => m.Bonus));
        Assert.Equal([7m], CommissionCalculator.MilestonesReached(plan, 3, first, first.AddDays(89)).Select(m => m.Bonus));
        Assert.Equal([20m], CommissionCalculator.MilestonesReached(plan, 4, first, first.AddDays(90)).Select(m => m.Bonus));
    }

    [Fact]
    public void Milestones_TwoOfOneThresholdInAStoredPlan_TheFirstListedIsReachedOnce()
    {
        var plan = new CommissionPlan
        {
            Rate = 0.1m,
            Milestones = [new RetentionMilestone(2, null, 5m), new RetentionMilestone(2, null, 7m), new RetentionMilestone(null, 1, 3m), new RetentionMilestone(null, 1, 4m)],
        };
        var first = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

        Assert.Equal([5m, 3m], CommissionCalculator.MilestonesReached(plan, 2, first, first.AddDays(1)).Select(m => m.Bonus));
    }

    [Theory]
    [InlineData("EUR", 2)]
    [InlineData("USD", 2)]
    [InlineData("JPY", 0)]
    [InlineData("KRW", 0)]
    [InlineData("KWD", 3)]
    [InlineData("BHD", 3)]
    [InlineData("CLF", 4)]
    public void Money_KnowsTheMinorUnit(string currency, int digits) => Assert.Equal(digits, Money.MinorUnits(currency));

    [Fact]
    public void Money_RoundFixesTheScale()
    {
        Assert.Equal("100", Money.Round(100.0000m, "JPY").ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("1.500", Money.Round(1.5m, "KWD").ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("2.00", Money.Round(2m, "EUR").ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("-0.01", Money.Round(-0.005m, "EUR").ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void AmbassadorValue_MatchesTheMeasuredMerchant()
    {
        // 10,000 ambassadors × 40 % share × 11.5 visits per share × $3.62 per visit
        Assert.Equal(166_520.00m, AmbassadorValue.Project(10_000, 0.40m, 11.5m, 3.62m));
    }

    [Fact]
    public void AmbassadorValue_MeasuresTheChainFromCounts()
    {
        var value = AmbassadorValue.Measure(ambassadors: 10, sharers: 4, visits: 46, revenue: new Dictionary<string, decimal> { ["USD"] = 166.52m });

        var usd = Assert.Single(value.Revenue);
        Assert.Equal((0.4m, 11.5m, "USD", 3.62m, 166.52m), (value.ShareRate, value.VisitsPerShare, usd.Currency, usd.RevenuePerVisit, usd.ProjectedValue));
    }

    [Fact]
    public void AmbassadorValue_NeverAddsCurrencies()
    {
        var value = AmbassadorValue.Measure(ambassadors: 1, sharers: 1, visits: 2, revenue: new Dictionary<string, decimal> { ["JPY"] = 10_000m, ["EUR"] = 100m });

        Assert.Equal([new AmbassadorRevenue("EUR", 100m, 50m, 100m), new AmbassadorRevenue("JPY", 10_000m, 5_000m, 10_000m)], value.Revenue);
    }

    [Theory]
    [InlineData("EUR", true)]
    [InlineData("JPY", true)]
    [InlineData("XXX", false)]
    [InlineData("XTS", false)]
    [InlineData("XAU", false)]
    [InlineData("eur", false)]
    [InlineData("EURO", false)]
    public void IsCurrency_RefusesCodesThatNameNoMoney(string code, bool currency) => Assert.Equal(currency, Money.IsCurrency(code));
}
