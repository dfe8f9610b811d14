using PartnerMesh.Promotions.Domain.Definitions;
using PartnerMesh.Promotions.Domain.Evaluation;
using Xunit;
using static PartnerMesh.Promotions.UnitTests.Build;

namespace PartnerMesh.Promotions.UnitTests;

public sealed class StackingTests
{
    private static readonly Cart Hundred = Cart("EUR", 5.00m, Line("a", "shoe", 1, 60.00m, ["shoes"]), Line("b", "hat", 1, 40.00m, ["hats"]));

    [Fact]
    public void Evaluate_ItemPromotionsByPriority_EachTakesWhatTheEarlierLeft()
    {
        var rules = Rules(
            Definition(new FixedOffItems(10.00m, Products("shoe"))) with { Priority = 20 },
            Definition(new PercentOffItems(50m, Products("shoe"))) with { Priority = 10 });

        var result = Evaluate(rules, Hundred);

        // 50 % of 60.00 first (priority 10) = 30.00, then 10.00 off: 20.00 left.
        Assert.Equal(30.00m, AppliedOf(result, 2).Amount);
        Assert.Equal(10.00m, AppliedOf(result, 1).Amount);
        Assert.Equal([Id(2), Id(1)], result.Applied.Select(applied => applied.PromotionId));
        Assert.Equal(20.00m, LineOf(result, "a").Total);
    }

    [Fact]
    public void Evaluate_OrderPromotionOfHigherPriority_StillRunsAfterItemPromotions()
    {
        var rules = Rules(
            Definition(new PercentOffOrder(10m)) with { Priority = 0 },
            Definition(new FixedOffItems(20.00m, Products("shoe"))) with { Priority = 500 });

        var result = Evaluate(rules, Hundred);

        Assert.Equal(8.00m, AppliedOf(result, 1).Amount);   // 10 % of 80.00
        Assert.Equal(72.00m + 5.00m, result.Totals.GrandTotal);
    }

    [Fact]
    public void Evaluate_SamePriority_TiesAreBrokenByPromotionId()
    {
        var rules = Rules(Definition(new FixedOffOrder(70.00m)), Definition(new FixedOffOrder(70.00m)));

        var result = Evaluate(rules, Hundred);

        Assert.Equal(70.00m, AppliedOf(result, 1).Amount);
        Assert.Equal(30.00m, AppliedOf(result, 2).Amount);
    }

    [Fact]
    public void Evaluate_Exclusive_AppliesAloneAndOthersAreExcluded()
    {
        var rules = Rules(
            Definition(new PercentOffItems(10m)),
            Definition(new FixedOffOrder(25.00m)) with { Exclusivity = Exclusivity.Exclusive, Priority = 500 },
            Definition(new FreeShipping()));

        var result = Evaluate(rules, Hundred);

        Assert.Equal([Id(2)], result.Applied.Select(applied => applied.PromotionId));
        Assert.Equal(ReasonCodes.ExcludedByExclusivity, ReasonOf(result, 1));
        Assert.Equal(ReasonCodes.ExcludedByExclusivity, ReasonOf(result, 3));
        Assert.Equal(80.00m, result.Totals.GrandTotal);
    }

    [Fact]
    public void Evaluate_TwoExclusives_TheFirstByPriorityApplies()
    {
        var rules = Rules(
            Definition(new FixedOffOrder(25.00m)) with { Exclusivity = Exclusivity.Exclusive, Priority = 50 },
            Definition(new FixedOffOrder(10.00m)) with { Exclusivity = Exclusivity.Exclusive, Priority = 10 });

        var result = Evaluate(rules, Hundred);

        Assert.Equal(10.00m, AppliedOf(result, 2).Amount);
        Assert.Equal(ReasonCodes.ExcludedByExclusivity, ReasonOf(result, 1));
    }

    [Fact]
    public void Evaluate_ExclusiveThatDiscountsNothing_DoesNotBlockTheOthers()
    {
        // "Applies alone: when it applies, no other promotion does." Free shipping on a cart without shipping applies
        // nothing, so it must not take the 10 % away.
        var rules = Rules(
            Definition(new FreeShipping()) with { Exclusivity = Exclusivity.Exclusive },
            Definition(new PercentOffItems(10m)));

        var result = Evaluate(rules, Hundred with { Shipping = 0m });

        Assert.Equal(10.00m, AppliedOf(result, 2).Amount);
        Assert.Equal(ReasonCodes.NothingToDiscount, ReasonOf(result, 1));
    }

    [Fact]
    public void Evaluate_StopAfterThis_StopsEveryLaterPromotion()
    {
        var rules = Rules(
            Definition(new PercentOffItems(10m)) with { Priority = 10 },
            Definition(new PercentOffItems(20m)) with { Priority = 20, Exclusivity = Exclusivity.StopAfterThis },
            Definition(new PercentOffItems(30m)) with { Priority = 30 },
            Definition(new FixedOffOrder(5.00m)),
            Definition(new FreeShipping()));

        var result = Evaluate(rules, Hundred);

        Assert.Equal([Id(1), Id(2)], result.Applied.Select(applied => applied.PromotionId));
        Assert.Equal(10.00m, AppliedOf(result, 1).Amount);
        Assert.Equal(18.00m, AppliedOf(result, 2).Amount);
        Assert.All([3, 4, 5], number => Assert.Equal(ReasonCodes.ExcludedByExclusivity, ReasonOf(result, number)));
        Assert.Equal(72.00m + 5.00m, result.Totals.GrandTotal);
    }

    [Fact]
    public void Evaluate_StopAfterThisThatDiscountsNothing_DoesNotStop()
    {
        var rules = Rules(
            Definition(new FixedPrice(100.00m, Products("shoe"))) with { Exclusivity = Exclusivity.StopAfterThis, Priority = 1 },
            Definition(new PercentOffItems(10m)) with { Priority = 2 });

        var result = Evaluate(rules, Hundred);

        Assert.Equal(ReasonCodes.NothingToDiscount, ReasonOf(result, 1));
        Assert.Equal(10.00m, AppliedOf(result, 2).Amount);
    }

    [Fact]
    public void Evaluate_BestDeal_KeepsTheBestSinglePromotionPerClass()
    {
        var rules = Rules(StackingMode.BestDeal,
            Definition(new PercentOffItems(10m)),
            Definition(new FixedOffItems(15.00m, Products("shoe"))),
            Definition(new PercentOffOrder(10m)),
            Definition(new FixedOffOrder(5.00m)),
            Definition(new FixedOffShipping(2.00m)),
            Definition(new FreeShipping()));

        var result = Evaluate(rules, Hundred);

        Assert.Equal([Id(2), Id(3), Id(6)], result.Applied.Select(applied => applied.PromotionId));
        Assert.Equal(15.00m, AppliedOf(result, 2).Amount);
        Assert.Equal(8.50m, AppliedOf(result, 3).Amount);   // 10 % of 85.00 left after the item class
        Assert.Equal(ReasonCodes.NotBestDeal, ReasonOf(result, 1));
        Assert.Equal(ReasonCodes.NotBestDeal, ReasonOf(result, 4));
        Assert.Equal(ReasonCodes.NotBestDeal, ReasonOf(result, 5));
        Assert.Equal(76.50m, result.Totals.GrandTotal);
    }

    [Fact]
    public void Evaluate_LowestDiscount_KeepsTheSmallestPromotionPerClass()
    {
        var rules = Rules(StackingMode.LowestDiscount,
            Definition(new PercentOffItems(10m)),
            Definition(new FixedOffItems(15.00m, Products("shoe"))),
            Definition(new PercentOffOrder(10m)),
            Definition(new FixedOffOrder(5.00m)));

        var result = Evaluate(rules, Hundred);

        Assert.Equal([Id(1), Id(4)], result.Applied.Select(applied => applied.PromotionId));
        Assert.Equal(10.00m, AppliedOf(result, 1).Amount);
        Assert.Equal(ReasonCodes.NotLowestDiscount, ReasonOf(result, 2));
        Assert.Equal(ReasonCodes.NotLowestDiscount, ReasonOf(result, 3));
        Assert.Equal(90.00m, result.Totals.GrandTotal); // 100 − 10 − 5 + 5 shipping
    }

    [Fact]
    public void Evaluate_CombinesWith_EachMustAllowTheOthersClass_InEveryMode()
    {
        var itemsNotWithOrder = Definition(new PercentOffItems(10m)) with { CombinesWith = new CombinesWith(Order: false) };
        var orderDefault = Definition(new FixedOffOrder(5.00m));
        var shipping = Definition(new FreeShipping());

        foreach (var mode in new[] { StackingMode.Stack, StackingMode.BestDeal, StackingMode.LowestDiscount })
        {
            var result = Evaluate(Rules(mode, itemsNotWithOrder, orderDefault, shipping), Hundred);

            Assert.Equal([Id(1), Id(3)], result.Applied.Select(applied => applied.PromotionId));
            Assert.Equal(ReasonCodes.NotCombinable, ReasonOf(result, 2));
        }

        var orderNotWithItems = Definition(new FixedOffOrder(5.00m)) with { CombinesWith = new CombinesWith(Item: false) };
        var reverse = Evaluate(Rules(Definition(new PercentOffItems(10m)), orderNotWithItems), Hundred);
        Assert.Equal([Id(1)], reverse.Applied.Select(applied => applied.PromotionId));
        Assert.Equal(ReasonCodes.NotCombinable, ReasonOf(reverse, 2));

        var itemsNotWithItems = Definition(new PercentOffItems(10m)) with { CombinesWith = new CombinesWith(Item: false) };
        var sameClass = Evaluate(Rules(itemsNotWithItems, Definition(new FixedOffItems(5.00m, Products("hat")))), Hundred);
        Assert.Equal([Id(1)], sameClass.Applied.Select(applied => applied.PromotionId));
        Assert.Equal(ReasonCodes.NotCombinable, ReasonOf(sameClass, 2));
    }

    [Fact]
    public void Evaluate_TwoFreeShippingPromotions_AreIdempotent()
    {
        var one = Evaluate(Rules(Definition(new FreeShipping())), Hundred);
        var two = Evaluate(Rules(Definition(new FreeShipping()), Definition(new FreeShipping())), Hundred);

        Assert.Equal(5.00m, two.Totals.ShippingDiscount);
        Assert.Equal(one.Totals, two.Totals);
        Assert.Equal(ReasonCodes.NothingToDiscount, ReasonOf(two, 2));
    }

    [Theory]
    [InlineData("2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", null)]
    [InlineData("2026-03-14T12:00:00Z", null, null)]                                     // starts now: inclusive
    [InlineData("2026-03-15T00:00:00Z", null, ReasonCodes.OutsideSchedule)]
    [InlineData(null, "2026-03-14T12:00:00Z", ReasonCodes.OutsideSchedule)]               // ends now: exclusive
    public void Evaluate_Schedule_AppliesOnlyWithinIt(string? startsAt, string? endsAt, string? reason)
    {
        static DateTimeOffset? Parse(string? value) => value is null ? null : DateTimeOffset.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        var definition = Definition(new FixedOffOrder(5.00m)) with { Schedule = new Schedule(Parse(startsAt), Parse(endsAt)) };

        var result = Evaluate(definition, Hundred);

        Assert.Equal(reason is null ? 5.00m : 0m, result.Totals.OrderDiscounts);
        Assert.Equal(reason is null ? [] : [reason], result.NotApplied.Select(rejected => rejected.Reason));
    }

    [Fact]
    public void Evaluate_PromotionInAnotherCurrency_ReportsCurrencyNotSupported()
    {
        var rules = Rules(Definition(new FixedOffOrder(5.00m)), Definition(new PercentOffOrder(10m)) with { Currency = null });

        var result = Evaluate(rules, Hundred with { Currency = "USD" });

        Assert.Equal(ReasonCodes.CurrencyNotSupported, ReasonOf(result, 1));
        Assert.Equal(10.00m, AppliedOf(result, 2).Amount);
    }

    [Fact]
    public void Evaluate_RolloutZeroAndHundred_NobodyAndEverybody()
    {
        var rules = Rules(Definition(new FixedOffOrder(5.00m)) with { RolloutPercent = 0 }, Definition(new FixedOffOrder(7.00m)) with { RolloutPercent = 100 });

        var result = Evaluate(rules, Hundred);
        var anonymous = Evaluate(rules, Hundred, Context() with { VisitorId = null });

        Assert.Equal(ReasonCodes.NotInRollout, ReasonOf(result, 1));
        Assert.Equal(7.00m, AppliedOf(result, 2).Amount);
        Assert.Equal(7.00m, AppliedOf(anonymous, 2).Amount);
    }

    [Fact]
    public void Evaluate_PartialRolloutWithoutStickyId_IsNotInRollout()
    {
        var result = Evaluate(Rules(Definition(new FixedOffOrder(5.00m)) with { RolloutPercent = 99 }), Hundred, Context() with { VisitorId = null });

        Assert.Equal(ReasonCodes.NotInRollout, ReasonOf(result, 1));
    }

    [Fact]
    public void Evaluate_PartialRollout_IsStickyAndAboutTheRightShare()
    {
        var rules = Rules(Definition(new FixedOffOrder(5.00m)) with { RolloutPercent = 30 });
        var inRollout = 0;
        for (var visitor = 0; visitor < 10_000; visitor++)
        {
            var context = Context() with { VisitorId = $"visitor-{visitor}" };
            var first = Evaluate(rules, Hundred, context).Applied.Count == 1;
            var again = Evaluate(rules, Hundred, context with { Touchpoint = Touchpoint.Checkout }).Applied.Count == 1;
            Assert.Equal(first, again);
            inRollout += first ? 1 : 0;
        }

        // 30 % of 10,000: the binomial standard deviation is about 46, so 2,850–3,150 is over three of them.
        Assert.InRange(inRollout, 2_850, 3_150);
    }

    [Fact]
    public void Evaluate_PartialRollout_VisitorIdWinsOverCustomerId_SoSigningInKeepsTheAssignment()
    {
        var rules = Rules(Definition(new FixedOffOrder(5.00m)) with { RolloutPercent = 50 });
        var anonymous = Enumerable.Range(0, 50).Select(visitor => Evaluate(rules, Hundred, Context() with { VisitorId = $"v{visitor}" }).Applied.Count);
        var signedIn = Enumerable.Range(0, 50).Select(visitor =>
            Evaluate(rules, Hundred, Context() with { VisitorId = $"v{visitor}", Customer = new Customer { Id = $"customer-{visitor * 7}" } }).Applied.Count);
        var customerOnly = Enumerable.Range(0, 50).Select(visitor =>
            Evaluate(rules, Hundred, Context() with { Customer = new Customer { Id = "customer-42" } }).Applied.Count);

        Assert.Equal(anonymous, signedIn);
        Assert.Equal(2, anonymous.Distinct().Count()); // 50 visitors fall on both sides of a 50 % rollout
        Assert.Single(customerOnly.Distinct());
    }

    [Fact]
    public void Evaluate_KillSwitch_RejectsEveryCandidate()
    {
        var rules = new RuleSet(7, [Compile(1, Definition(new FixedOffOrder(5.00m))), Compile(2, Definition(new FreeShipping()))], killSwitch: true);

        var result = Evaluate(rules, Hundred);

        Assert.Empty(result.Applied);
        Assert.Equal([ReasonCodes.KillSwitch, ReasonCodes.KillSwitch], result.NotApplied.Select(rejected => rejected.Reason));
        Assert.Equal(105.00m, result.Totals.GrandTotal);
        Assert.Equal(7, result.RuleSetVersion);
    }

    [Fact]
    public void Evaluate_ExclusionsPassedIn_AreReportedWithTheirReason()
    {
        var rules = Rules(Definition(new FixedOffOrder(5.00m)), Definition(new FreeShipping()));
        var exclusions = new Dictionary<Guid, Exclusion>
        {
            [Id(1)] = new(ReasonCodes.BudgetExhausted, "the promotion's budget (lifetime): 5 of 5 uses taken"),
            [Id(2)] = new(ReasonCodes.UsageLimitReached),
        };

        var result = Evaluate(rules, Hundred, exclusions: exclusions);

        Assert.Empty(result.Applied);
        Assert.Equal(ReasonCodes.BudgetExhausted, ReasonOf(result, 1));
        Assert.Equal("the promotion's budget (lifetime): 5 of 5 uses taken", result.NotApplied.Single(entry => entry.PromotionId == Id(1)).Detail);
        Assert.Equal(ReasonCodes.UsageLimitReached, ReasonOf(result, 2));
    }

    [Fact]
    public void Evaluate_ExcludedPromotion_LetsTheNextOneApply()
    {
        var rules = Rules(Definition(new FixedOffOrder(5.00m)) with { Exclusivity = Exclusivity.Exclusive }, Definition(new FixedOffOrder(3.00m)));

        var result = Evaluate(rules, Hundred, exclusions: new Dictionary<Guid, Exclusion> { [Id(1)] = new(ReasonCodes.BudgetExhausted) });

        Assert.Equal(3.00m, AppliedOf(result, 2).Amount);
    }

    [Fact]
    public void Evaluate_FortyPercentItemsThenSeventyPercentOrder_TakesTheDiscountedItemsAsBase()
    {
        // Saleor computed the voucher on the undiscounted total beside a 40 % promotion, making orders free.
        var rules = Rules(Definition(new PercentOffItems(40m)), Definition(new PercentOffOrder(70m)));

        var result = Evaluate(rules, Cart("EUR", 0m, Line("a", "shoe", 1, 100.00m)));

        Assert.Equal(40.00m, AppliedOf(result, 1).Amount);
        Assert.Equal(42.00m, AppliedOf(result, 2).Amount);
        Assert.Equal(18.00m, result.Totals.GrandTotal);
    }

    [Fact]
    public void Evaluate_FortyPercentItemsThenHundredPercentOrderTwice_NeverBelowZero()
    {
        var rules = Rules(Definition(new PercentOffItems(40m)), Definition(new PercentOffOrder(100m)), Definition(new PercentOffOrder(100m)),
            Definition(new FixedOffOrder(30.00m)));

        var result = Evaluate(rules, Cart("EUR", 0m, Line("a", "shoe", 1, 100.00m)));

        Assert.Equal(60.00m, AppliedOf(result, 2).Amount);
        Assert.Equal(ReasonCodes.NothingToDiscount, ReasonOf(result, 3));
        Assert.Equal(ReasonCodes.NothingToDiscount, ReasonOf(result, 4));
        Assert.Equal(0m, result.Totals.GrandTotal);
    }

    [Fact]
    public void Evaluate_BestDealWithStopAfterThis_StopsTheLaterClasses()
    {
        var rules = Rules(StackingMode.BestDeal,
            Definition(new PercentOffItems(30m)) with { Exclusivity = Exclusivity.StopAfterThis },
            Definition(new PercentOffItems(10m)),
            Definition(new FixedOffOrder(5.00m)),
            Definition(new FreeShipping()));

        var result = Evaluate(rules, Hundred);

        Assert.Equal([Id(1)], result.Applied.Select(applied => applied.PromotionId));
        Assert.Equal(ReasonCodes.NotBestDeal, ReasonOf(result, 2));
        Assert.Equal(ReasonCodes.ExcludedByExclusivity, ReasonOf(result, 3));
        Assert.Equal(ReasonCodes.ExcludedByExclusivity, ReasonOf(result, 4));
        Assert.Equal(75.00m, result.Totals.GrandTotal);
    }

    [Fact]
    public void Evaluate_BestDealTie_KeepsTheFirstByPriority()
    {
        var rules = Rules(StackingMode.BestDeal,
            Definition(new FixedOffOrder(10.00m)) with { Priority = 9 },
            Definition(new PercentOffOrder(10m)) with { Priority = 3 });

        var result = Evaluate(rules, Hundred);

        Assert.Equal(10.00m, AppliedOf(result, 2).Amount);
        Assert.Equal(ReasonCodes.NotBestDeal, ReasonOf(result, 1));
    }

    [Fact]
    public void Evaluate_BestDealWithExclusive_TheExclusiveStillAppliesAlone()
    {
        var rules = Rules(StackingMode.BestDeal,
            Definition(new FixedOffOrder(1.00m)) with { Exclusivity = Exclusivity.Exclusive },
            Definition(new PercentOffItems(50m)));

        var result = Evaluate(rules, Hundred);

        Assert.Equal([Id(1)], result.Applied.Select(applied => applied.PromotionId));
        Assert.Equal(ReasonCodes.ExcludedByExclusivity, ReasonOf(result, 2));
    }

    [Fact]
    public void Evaluate_EmptyCart_GivesZerosAndDiscountsOnlyShipping()
    {
        var rules = Rules(Definition(new PercentOffOrder(10m)), Definition(new FixedOffOrder(5.00m)), Definition(new FreeShipping()));

        var result = Evaluate(rules, Cart("EUR", 3.00m));

        Assert.Equal(new Totals(0m, 0m, 0m, 3.00m, 3.00m, 3.00m, 0m), result.Totals);
        Assert.Equal(ReasonCodes.NothingToDiscount, ReasonOf(result, 1));
        Assert.Equal(ReasonCodes.NothingToDiscount, ReasonOf(result, 2));
    }

    [Fact]
    public void Evaluate_CodeRemovedOrLineChanged_NextEvaluationChanges()
    {
        var rules = Rules(Definition(new PercentOffOrder(10m), new CartSubtotalCondition(100m)) with { RequiresCode = true, Codes = ["SAVE10"] });

        var withCode = Evaluate(rules, Hundred, Context("SAVE10"));
        var withoutCode = Evaluate(rules, Hundred, Context());
        var smallerCart = Evaluate(rules, Hundred with { Lines = [Hundred.Lines[0]] }, Context("SAVE10"));

        Assert.Equal(10.00m, withCode.Totals.OrderDiscounts);
        Assert.Equal(0m, withoutCode.Totals.OrderDiscounts);
        Assert.Equal(0m, smallerCart.Totals.OrderDiscounts);
        Assert.Equal(ReasonCodes.ConditionNotMet, ReasonOf(smallerCart, 1));
    }
}
