using PartnerMesh.Promotions.Domain.Definitions;
using PartnerMesh.Promotions.Domain.Evaluation;
using Xunit;
using static PartnerMesh.Promotions.UnitTests.Build;

namespace PartnerMesh.Promotions.UnitTests;

public sealed class ConditionTests
{
    private static readonly PromotionAction TenPercent = new PercentOffOrder(10m);

    private static readonly Cart HundredEuros = Cart("EUR", 0m, Line("a", "p1", 2, 25.00m, ["shoes"], ["summer"]), Line("b", "p2", 1, 50.00m, ["hats"]));

    [Theory]
    [InlineData(100.00, true)]
    [InlineData(100.01, false)]
    public void Evaluate_CartSubtotalThreshold_AppliesFromTheMinimum(decimal min, bool applies)
    {
        var result = Evaluate(Definition(TenPercent, new CartSubtotalCondition(min)), HundredEuros);

        Assert.Equal(applies ? 10.00m : 0m, result.Totals.OrderDiscounts);
        if (!applies)
        {
            Assert.Equal(ReasonCodes.ConditionNotMet, ReasonOf(result, 1));
        }
    }

    [Theory]
    [InlineData("product", 2, true)]
    [InlineData("product", 3, false)]
    [InlineData("category", 2, true)]
    [InlineData("category", 3, false)]
    [InlineData("collection", 2, true)]
    [InlineData("collection", 3, false)]
    public void Evaluate_ItemsWithMinQuantity_AppliesWhenEnoughMatchingUnits(string by, int minQuantity, bool applies)
    {
        var filter = by switch
        {
            "product" => Products("p1"),
            "category" => Categories("shoes"),
            _ => Collections("summer"),
        };

        var result = Evaluate(Definition(TenPercent, new ItemsCondition(filter, minQuantity)), HundredEuros);

        Assert.Equal(applies ? 10.00m : 0m, result.Totals.DiscountTotal);
        if (!applies)
        {
            Assert.Equal(ReasonCodes.ConditionNotMet, ReasonOf(result, 1));
            Assert.Contains("2 matching unit(s), " + minQuantity + " needed", Assert.Single(result.NotApplied).Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Evaluate_ItemsConditionOnProductsNotInCart_IsNotACandidate()
    {
        var result = Evaluate(Definition(TenPercent, new ItemsCondition(Products("elsewhere"))), HundredEuros);

        Assert.Empty(result.Applied);
        Assert.Empty(result.NotApplied);
    }

    [Theory]
    [InlineData(new[] { "vip" }, true)]
    [InlineData(new[] { "VIP", "other" }, true)]
    [InlineData(new[] { "other" }, false)]
    [InlineData(new string[0], false)]
    public void Evaluate_CustomerSegment_AppliesToMembersCaseInsensitively(string[] segments, bool applies)
    {
        var context = Context() with { Customer = new Customer { Id = "c1", Segments = segments } };

        var result = Evaluate(Definition(TenPercent, new CustomerSegmentCondition(["vip"])), HundredEuros, context);

        Assert.Equal(applies ? 10.00m : 0m, result.Totals.DiscountTotal);
        Assert.Equal(applies ? [] : [ReasonCodes.ConditionNotMet], result.NotApplied.Select(rejected => rejected.Reason));
    }

    [Theory]
    [InlineData(0, false, true)]
    [InlineData(1, false, false)]
    [InlineData(null, false, false)]
    [InlineData(0, true, false)]
    public void Evaluate_FirstOrder_OnlyKnownCustomersWithoutPreviousOrders(int? previousOrders, bool guest, bool applies)
    {
        var context = Context() with { Customer = new Customer { Id = guest ? null : "c1", Email = "a@example.com", IsGuest = guest, PreviousOrders = previousOrders } };

        var result = Evaluate(Definition(TenPercent, new FirstOrderCondition()), HundredEuros, context);

        Assert.Equal(applies ? 10.00m : 0m, result.Totals.DiscountTotal);
        if (!applies)
        {
            Assert.Equal(ReasonCodes.ConditionNotMet, ReasonOf(result, 1));
        }
    }

    [Fact]
    public void Evaluate_FirstOrderWithUnknownPreviousOrders_ExplainsItIsUnknown()
    {
        var context = Context() with { Customer = new Customer { Id = "c1", PreviousOrders = null } };

        var result = Evaluate(Definition(TenPercent, new FirstOrderCondition()), HundredEuros, context);

        Assert.Contains("not known", Assert.Single(result.NotApplied).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_PartnerConditionWithTargetedPartner_Applies()
    {
        var partner = Guid.NewGuid();

        var result = Evaluate(Definition(TenPercent, new PartnerCondition([partner])), HundredEuros, Context() with { PartnerId = partner });

        Assert.Equal(10.00m, result.Totals.OrderDiscounts);
    }

    [Fact]
    public void Evaluate_PartnerConditionWithOtherOrNoPartner_ReportsNotForPartner()
    {
        var definition = Definition(TenPercent, new PartnerCondition([Guid.NewGuid()]));

        var other = Evaluate(definition, HundredEuros, Context() with { PartnerId = Guid.NewGuid() });
        var none = Evaluate(definition, HundredEuros, Context());

        Assert.Equal(ReasonCodes.NotForPartner, ReasonOf(other, 1));
        Assert.Equal(ReasonCodes.NotForPartner, ReasonOf(none, 1));
    }

    [Theory]
    [InlineData("newsletter", true)]
    [InlineData("NewsLetter", true)]
    [InlineData(" NEWSLETTER ", true)]
    [InlineData("google", false)]
    [InlineData(null, false)]
    public void Evaluate_TrafficSource_MatchesUtmSourceCaseInsensitively(string? utmSource, bool applies)
    {
        var result = Evaluate(Definition(TenPercent, new TrafficSourceCondition(["newsletter"])), HundredEuros, Context() with { UtmSource = utmSource });

        Assert.Equal(applies ? 10.00m : 0m, result.Totals.DiscountTotal);
    }

    [Theory]
    [InlineData(Touchpoint.Cart, true)]
    [InlineData(Touchpoint.Checkout, true)]
    [InlineData(Touchpoint.ProductPage, false)]
    public void Evaluate_Touchpoint_AppliesOnlyAtListedTouchpoints(Touchpoint touchpoint, bool applies)
    {
        var result = Evaluate(Definition(TenPercent, new TouchpointCondition([Touchpoint.Cart, Touchpoint.Checkout])), HundredEuros,
            Context() with { Touchpoint = touchpoint });

        Assert.Equal(applies ? 10.00m : 0m, result.Totals.DiscountTotal);
        if (!applies)
        {
            Assert.Equal(ReasonCodes.ConditionNotMet, ReasonOf(result, 1));
        }
    }

    // 2026-03-14 is a Saturday; Europe/Berlin is UTC+1 in March (before the switch to summer time on the 29th).
    [Theory]
    [InlineData("2026-03-14T08:00:00Z", true)]   // 09:00 Berlin
    [InlineData("2026-03-14T07:59:59Z", false)]  // 08:59:59 Berlin
    [InlineData("2026-03-14T10:59:00Z", true)]   // 11:59 Berlin
    [InlineData("2026-03-14T11:00:00Z", false)]  // 12:00 Berlin: the end is exclusive
    [InlineData("2026-03-15T09:00:00Z", false)]  // Sunday 10:00 Berlin
    public void Evaluate_TimeWindowInTimeZone_AppliesWithinLocalHours(string at, bool applies)
    {
        var window = new TimeWindowCondition("Europe/Berlin", [DayOfWeek.Saturday], new TimeOnly(9, 0), new TimeOnly(12, 0));

        var result = Evaluate(Definition(TenPercent, window), HundredEuros, Context() with { At = DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.Equal(applies ? 10.00m : 0m, result.Totals.DiscountTotal);
    }

    // Friday 22:00 to 02:00 Berlin: the early hours of Saturday belong to Friday's window.
    [Theory]
    [InlineData("2026-03-13T21:00:00Z", true)]   // Friday 22:00 Berlin
    [InlineData("2026-03-14T00:59:00Z", true)]   // Saturday 01:59 Berlin, Friday's window
    [InlineData("2026-03-14T01:00:00Z", false)]  // Saturday 02:00 Berlin
    [InlineData("2026-03-14T21:30:00Z", false)]  // Saturday 22:30 Berlin: Saturday is not listed
    [InlineData("2026-03-13T00:30:00Z", false)]  // Friday 01:30 Berlin: Thursday's window
    [InlineData("2026-03-13T20:59:00Z", false)]  // Friday 21:59 Berlin
    public void Evaluate_OvernightTimeWindow_BelongsToTheDayItStarts(string at, bool applies)
    {
        var window = new TimeWindowCondition("Europe/Berlin", [DayOfWeek.Friday], new TimeOnly(22, 0), new TimeOnly(2, 0));

        var result = Evaluate(Definition(TenPercent, window), HundredEuros, Context() with { At = DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.Equal(applies ? 10.00m : 0m, result.Totals.DiscountTotal);
    }

    // Both ends left out (00:00–00:00, or 00:00–24:00) is the whole listed day; 18:00–24:00 ends at midnight.
    [Theory]
    [InlineData(0, 0, "2026-03-13T23:00:00Z", true)]   // Saturday 00:00 Berlin
    [InlineData(0, 0, "2026-03-14T22:59:59Z", true)]   // Saturday 23:59:59 Berlin
    [InlineData(0, 0, "2026-03-14T23:00:00Z", false)]  // Sunday 00:00 Berlin
    [InlineData(0, 0, "2026-03-13T22:59:00Z", false)]  // Friday 23:59 Berlin
    [InlineData(18, 0, "2026-03-14T22:59:00Z", true)]  // Saturday 23:59 Berlin
    [InlineData(18, 0, "2026-03-14T23:00:00Z", false)] // Sunday 00:00 Berlin
    public void Evaluate_TimeWindowEndingAtMidnight_RunsToTheEndOfTheDay(int from, int to, string at, bool applies)
    {
        var window = new TimeWindowCondition("Europe/Berlin", [DayOfWeek.Saturday], new TimeOnly(from, 0), new TimeOnly(to, 0));

        var result = Evaluate(Definition(TenPercent, window), HundredEuros, Context() with { At = DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.Equal(applies ? 10.00m : 0m, result.Totals.DiscountTotal);
    }

    [Fact]
    public void Evaluate_RequiresCodeWithoutCode_ReportsCodeRequired()
    {
        var definition = Definition(new PercentOffItems(20m, Products("p1"))) with { RequiresCode = true, Codes = ["SHOES20"] };

        var result = Evaluate(definition, HundredEuros, Context());

        Assert.Empty(result.Applied);
        Assert.Equal(ReasonCodes.CodeRequired, ReasonOf(result, 1));
    }

    [Theory]
    [InlineData("SUMMER10")]
    [InlineData(" summer10 ")]
    [InlineData("Summer10")]
    public void Evaluate_CodeInAnyCaseOrSpacing_IsNormalisedAndApplies(string entered)
    {
        var definition = Definition(TenPercent) with { RequiresCode = true, Codes = ["SUMMER10"] };

        var result = Evaluate(definition, HundredEuros, Context(entered));

        Assert.Equal(10.00m, result.Totals.OrderDiscounts);
        Assert.Equal("SUMMER10", AppliedOf(result, 1).Code);
        var code = Assert.Single(result.Codes);
        Assert.Equal(("SUMMER10", CodeStatuses.Applied, Id(1)), (code.Code, code.Status, code.PromotionId));
        Assert.Equal([Id(1)], code.PromotionIds!);
    }

    [Fact]
    public void Evaluate_UnknownCode_IsReportedUnknown()
    {
        var definition = Definition(TenPercent) with { RequiresCode = true, Codes = ["SUMMER10"] };

        var result = Evaluate(definition, HundredEuros, Context("winter99", "WINTER99", " "));

        Assert.Equal(0m, result.Totals.DiscountTotal);
        var code = Assert.Single(result.Codes);
        Assert.Equal(("WINTER99", CodeStatuses.Unknown, null), (code.Code, code.Status, code.PromotionId));
        Assert.Empty(code.PromotionIds!);
    }

    [Fact]
    public void Evaluate_KnownCodeWhoseConditionFails_IsReportedNotApplied()
    {
        var definition = Definition(TenPercent, new CartSubtotalCondition(500m)) with { RequiresCode = true, Codes = ["SUMMER10"] };

        var result = Evaluate(definition, HundredEuros, Context("summer10"));

        var code = Assert.Single(result.Codes);
        Assert.Equal(("SUMMER10", CodeStatuses.NotApplied, Id(1), ReasonCodes.ConditionNotMet), (code.Code, code.Status, code.PromotionId, code.Reason));
        Assert.Equal(result.NotApplied.Single().Detail, code.Detail);
        Assert.Equal([Id(1)], code.PromotionIds!);
        Assert.Equal(ReasonCodes.ConditionNotMet, ReasonOf(result, 1));
    }

    [Fact]
    public void Evaluate_AllConditions_MustAllHold()
    {
        var definition = Definition(TenPercent, new CartSubtotalCondition(50m), new CustomerSegmentCondition(["vip"]));

        var result = Evaluate(definition, HundredEuros, Context());

        Assert.Equal(ReasonCodes.ConditionNotMet, ReasonOf(result, 1));
        Assert.Contains("customerSegment", Assert.Single(result.NotApplied).Detail, StringComparison.Ordinal);
    }
}
