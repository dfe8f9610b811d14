using PartnerMesh.Promotions.Domain.Definitions;
using PartnerMesh.Promotions.Domain.Evaluation;
using Xunit;
using static PartnerMesh.Promotions.UnitTests.Build;

namespace PartnerMesh.Promotions.UnitTests;

public sealed class ActionTests
{
    // Lines: a = 2 × 25.00 shoes, b = 1 × 50.00 hat, c = 4 × 2.50 socks; items 110.00; shipping 4.90.
    private static readonly Cart Basket = Cart("EUR", 4.90m,
        Line("a", "shoe", 2, 25.00m, ["shoes"]),
        Line("b", "hat", 1, 50.00m, ["hats"], ["summer"]),
        Line("c", "sock", 4, 2.50m, ["shoes"]));

    [Fact]
    public void PercentOffItems_WithCategoryFilter_DiscountsMatchingLinesOnly()
    {
        var result = Evaluate(Definition(new PercentOffItems(20m, Categories("shoes"))), Basket);

        Assert.Equal(10.00m, LineOf(result, "a").ItemDiscount);
        Assert.Equal(0m, LineOf(result, "b").ItemDiscount);
        Assert.Equal(2.00m, LineOf(result, "c").ItemDiscount);
        Assert.Equal(new Totals(110.00m, 12.00m, 0m, 4.90m, 0m, 12.00m, 102.90m), result.Totals);
        Assert.Equal(12.00m, AppliedOf(result, 1).Amount);
        Assert.Equal([new LineDiscount("a", 10.00m), new LineDiscount("c", 2.00m)], AppliedOf(result, 1).Lines);
    }

    [Fact]
    public void PercentOffItems_WithoutFilter_DiscountsEveryLine()
    {
        var result = Evaluate(Definition(new PercentOffItems(10m)), Basket);

        Assert.Equal([5.00m, 5.00m, 1.00m], result.Lines.Select(line => line.ItemDiscount));
        Assert.Equal(11.00m, result.Totals.ItemDiscounts);
    }

    [Fact]
    public void PercentOffItems_SameGoodsInOneLineOrThree_TakesThePercentOfTheWholeBaseOnce()
    {
        // 10 % of 0.15 = 0.015 → 0.02 however the three units are sent; rounding each 0.005 line would give 0.03.
        var three = Evaluate(Definition(new PercentOffItems(10m)),
            Cart("EUR", 0m, Line("c", "p", 1, 0.05m), Line("a", "p", 1, 0.05m), Line("b", "p", 1, 0.05m)));
        var one = Evaluate(Definition(new PercentOffItems(10m)), Cart("EUR", 0m, Line("a", "p", 3, 0.05m)));

        Assert.Equal(0.02m, three.Totals.ItemDiscounts);
        Assert.Equal(one.Totals, three.Totals);
        Assert.Equal([new LineDiscount("a", 0.01m), new LineDiscount("b", 0.01m)], AppliedOf(three, 1).Lines);
        Assert.Equal(0.02m, AppliedOf(one, 1).Amount);
    }

    [Fact]
    public void PercentOffItems_WithFilter_TakesThePercentOfTheMatchingLinesOnly()
    {
        // 15 % of the two shoe lines (0.30 + 0.30) = 0.09, shared 0.05 / 0.04; the hat line is no part of the base.
        var result = Evaluate(Definition(new PercentOffItems(15m, Categories("shoes"))),
            Cart("EUR", 0m, Line("a", "shoe", 1, 0.30m, ["shoes"]), Line("b", "hat", 1, 0.30m, ["hats"]), Line("c", "sock", 1, 0.30m, ["shoes"])));

        Assert.Equal([0.05m, 0m, 0.04m], result.Lines.Select(line => line.ItemDiscount));
        Assert.Equal(0.09m, AppliedOf(result, 1).Amount);
    }

    [Fact]
    public void PercentOffItems_OverItsCap_SharesTheCapByLargestRemainder()
    {
        // 50 % of 110.00 would be 55.00; capped at 10.00, shared by largest remainder over 50.00 / 50.00 / 10.00: 4.55, 4.54, 0.91.
        var result = Evaluate(Definition(new PercentOffItems(50m, MaxDiscount: 10.00m)), Basket);

        Assert.Equal(10.00m, result.Totals.ItemDiscounts);
        Assert.Equal([4.55m, 4.54m, 0.91m], result.Lines.Select(line => line.ItemDiscount));
        Assert.Equal((DiscountLimits.MaxDiscount, 55.00m), (AppliedOf(result, 1).LimitedBy, AppliedOf(result, 1).UncappedAmount));
    }

    [Fact]
    public void FixedOffItems_PerUnit_NeverBelowZero()
    {
        var result = Evaluate(Definition(new FixedOffItems(3.00m, Categories("shoes"))), Basket);

        Assert.Equal(6.00m, LineOf(result, "a").ItemDiscount);
        Assert.Equal(10.00m, LineOf(result, "c").ItemDiscount);   // 4 × 3.00 = 12.00 clamped to the line's 10.00
        Assert.Equal(0m, LineOf(result, "c").Total);
        Assert.Equal(16.00m, result.Totals.ItemDiscounts);
    }

    [Fact]
    public void FixedPrice_MatchingUnits_CostTheFixedPriceAndCheaperUnitsAreUntouched()
    {
        var result = Evaluate(Definition(new FixedPrice(20.00m, Products("shoe", "sock"))), Basket);

        Assert.Equal(40.00m, LineOf(result, "a").Total);
        Assert.Equal(10.00m, LineOf(result, "c").Total);
        Assert.Equal(10.00m, result.Totals.ItemDiscounts);
        Assert.Equal([new LineDiscount("a", 10.00m)], AppliedOf(result, 1).Lines);
    }

    [Fact]
    public void PercentOffOrder_WithCap_TakesTenPercentUpToFifty()
    {
        var small = Evaluate(Definition(new PercentOffOrder(10m, MaxDiscount: 50.00m)), Basket);
        var large = Evaluate(Definition(new PercentOffOrder(10m, MaxDiscount: 50.00m)), Cart("EUR", 0m, Line("x", "tv", 1, 999.99m)));

        Assert.Equal(11.00m, small.Totals.OrderDiscounts);
        Assert.Equal(50.00m, large.Totals.OrderDiscounts);
        Assert.Equal(949.99m, large.Totals.GrandTotal);
        Assert.Equal((null, null), (AppliedOf(small, 1).LimitedBy, AppliedOf(small, 1).UncappedAmount));
        Assert.Equal((DiscountLimits.MaxDiscount, 100.00m), (AppliedOf(large, 1).LimitedBy, AppliedOf(large, 1).UncappedAmount));
    }

    [Fact]
    public void PercentOffOrder_ExcludesShippingFromItsBase()
    {
        var result = Evaluate(Definition(new PercentOffOrder(100m)), Basket);

        Assert.Equal(110.00m, result.Totals.OrderDiscounts);
        Assert.Equal(4.90m, result.Totals.GrandTotal);
    }

    [Fact]
    public void FixedOffOrder_LargerThanTheOrder_IsClampedToTheOrder()
    {
        var result = Evaluate(Definition(new FixedOffOrder(500.00m)), Basket);

        Assert.Equal(110.00m, result.Totals.OrderDiscounts);
        Assert.Equal(110.00m, AppliedOf(result, 1).Amount);
        Assert.Equal(4.90m, result.Totals.GrandTotal);
        Assert.All(result.Lines, line => Assert.Equal(line.Total, line.OrderDiscountAllocation));
    }

    [Fact]
    public void FixedOffOrder_IsAllocatedInProportionToLines()
    {
        var result = Evaluate(Definition(new FixedOffOrder(11.00m)), Basket);

        Assert.Equal([5.00m, 5.00m, 1.00m], result.Lines.Select(line => line.OrderDiscountAllocation));
        Assert.Equal(99.00m + 4.90m, result.Totals.GrandTotal);
    }

    [Theory]
    [InlineData(99.99, 0)]
    [InlineData(100.00, 10.00)]
    [InlineData(199.99, 10.00)]
    [InlineData(200.00, 30.00)]
    [InlineData(450.00, 30.00)]
    public void TieredOrderDiscount_ItemsSubtotal_GetsTheHighestTierReached(decimal subtotal, decimal expected)
    {
        var tiers = new TieredOrderDiscount([new DiscountTier(100m, AmountOff: 10m), new DiscountTier(200m, AmountOff: 30m)]);

        var result = Evaluate(Definition(tiers), Cart("EUR", 0m, Line("x", "p", 1, subtotal)));

        Assert.Equal(expected, result.Totals.OrderDiscounts);
        Assert.Equal(expected == 0 ? [ReasonCodes.ConditionNotMet] : [], result.NotApplied.Select(rejected => rejected.Reason));
    }

    [Fact]
    public void TieredOrderDiscount_LowestThresholdNotReached_IsConditionNotMet_WithTheThreshold()
    {
        var tiers = new TieredOrderDiscount([new DiscountTier(100m, AmountOff: 10m), new DiscountTier(200m, AmountOff: 30m)]);

        var result = Evaluate(Definition(tiers), Cart("EUR", 0m, Line("x", "p", 1, 99.99m)));

        var rejected = Assert.Single(result.NotApplied);
        Assert.Equal(ReasonCodes.ConditionNotMet, rejected.Reason);
        Assert.Equal("tieredOrder: items subtotal 99.99 is below the lowest tier's threshold 100", rejected.Detail);
    }

    [Fact]
    public void TieredOrderDiscount_PercentTier_TakesThePercentOfTheDiscountedItems()
    {
        var tiers = new TieredOrderDiscount([new DiscountTier(50m, Percent: 5m), new DiscountTier(100m, Percent: 10m)]);
        var rules = Rules(Definition(new PercentOffItems(50m)), Definition(tiers));

        // Items 110.00 reach the 100 tier (threshold on the undiscounted subtotal); 10 % of the 55.00 left = 5.50.
        var result = Evaluate(rules, Basket);

        Assert.Equal(55.00m, result.Totals.ItemDiscounts);
        Assert.Equal(5.50m, result.Totals.OrderDiscounts);
    }

    [Fact]
    public void PercentOffShipping_RoundsHalfAwayFromZero()
    {
        var result = Evaluate(Definition(new PercentOffShipping(50m)), Basket);

        Assert.Equal(2.45m, result.Totals.ShippingDiscount);
        var odd = Evaluate(Definition(new PercentOffShipping(50m)), Cart("EUR", 4.95m, Line("x", "p", 1, 1m)));
        Assert.Equal(2.48m, odd.Totals.ShippingDiscount);   // 2.475 → 2.48
    }

    [Fact]
    public void FixedOffShipping_IsClampedToShipping()
    {
        var three = Evaluate(Definition(new FixedOffShipping(3.00m)), Basket);
        var ten = Evaluate(Definition(new FixedOffShipping(10.00m)), Basket);

        Assert.Equal(3.00m, three.Totals.ShippingDiscount);
        Assert.Equal(4.90m, ten.Totals.ShippingDiscount);
        Assert.Equal(110.00m, ten.Totals.GrandTotal);
    }

    [Fact]
    public void FreeShipping_DiscountsAllShipping()
    {
        var result = Evaluate(Definition(new FreeShipping()), Basket);

        Assert.Equal(new Totals(110.00m, 0m, 0m, 4.90m, 4.90m, 4.90m, 110.00m), result.Totals);
    }

    [Fact]
    public void FreeShipping_WithoutShipping_ReportsNothingToDiscount()
    {
        var result = Evaluate(Definition(new FreeShipping()), Cart("EUR", 0m, Line("x", "p", 1, 10m)));

        Assert.Equal(ReasonCodes.NothingToDiscount, ReasonOf(result, 1));
    }

    [Fact]
    public void FreeGift_InCart_IsDiscountedToZero()
    {
        var cart = Cart("EUR", 0m, Line("a", "shoe", 1, 80m), Line("g", "tote", 3, 5.00m));

        var result = Evaluate(Definition(new FreeGift("tote", 2), new CartSubtotalCondition(50m)), cart);

        Assert.Equal(10.00m, LineOf(result, "g").ItemDiscount);
        Assert.Equal(5.00m, LineOf(result, "g").Total);
        Assert.Empty(result.Gifts);
        Assert.Equal(10.00m, AppliedOf(result, 1).Amount);
    }

    [Fact]
    public void FreeGift_NotInCart_IsListedToAdd()
    {
        var cart = Cart("EUR", 0m, Line("a", "shoe", 1, 80m));

        var result = Evaluate(Definition(new FreeGift("tote", 2)), cart);

        Assert.Equal([new GiftItem(Id(1), "tote", 2)], result.Gifts);
        Assert.Equal(0m, AppliedOf(result, 1).Amount);
        Assert.Equal(80m, result.Totals.GrandTotal);
    }

    [Fact]
    public void FreeGift_PartlyInCart_DiscountsWhatIsThereAndListsTheRest()
    {
        var cart = Cart("EUR", 0m, Line("a", "shoe", 1, 80m), Line("g", "tote", 1, 5.00m));

        var result = Evaluate(Definition(new FreeGift("tote", 2)), cart);

        Assert.Equal(5.00m, LineOf(result, "g").ItemDiscount);
        Assert.Equal([new GiftItem(Id(1), "tote", 1)], result.Gifts);
    }

    [Fact]
    public void FreeGift_AddedAtZeroAsListed_IsNoLongerListed_AndStillApplies()
    {
        var cart = Cart("EUR", 0m, Line("a", "shoe", 1, 80m), Line("g", "tote", 2, 0m));

        var result = Evaluate(Definition(new FreeGift("tote", 2)), cart);

        Assert.Empty(result.Gifts);
        Assert.Equal(0m, AppliedOf(result, 1).Amount);
        Assert.Empty(result.NotApplied);
        Assert.Equal(0m, LineOf(result, "g").Total);
        Assert.Equal(80m, result.Totals.GrandTotal);
    }

    [Fact]
    public void FreeGift_AfterAPercentOffItemsLeftOddCents_OneLineEqualsSplitLines()
    {
        // 4 × 49.90 = 199.60; 7.5 % off is 14.97 (four lines: 3.75, 3.74, 3.74, 3.74). Two of the four units are free:
        // half of the 184.63 the goods still cost, 92.32, however they are split.
        var rules = Rules(Definition(new PercentOffItems(7.5m)) with { Priority = 1 }, Definition(new FreeGift("tote", 2)) with { Priority = 2 });
        var one = Cart("EUR", 0m, Line("1", "tote", 4, 49.90m));
        var four = Cart("EUR", 0m, [.. Enumerable.Range(1, 4).Select(index => Line($"{index}", "tote", 1, 49.90m))]);

        foreach (var result in new[] { Evaluate(rules, one), Evaluate(rules, four) })
        {
            Assert.Equal(92.32m, AppliedOf(result, 2).Amount);
            Assert.Equal(92.31m, result.Totals.GrandTotal);
        }
    }

    [Fact]
    public void GiftsNotDue_NamesTheGiftPromotionOfTheCartsCurrency_NotOneInAnotherCurrency()
    {
        var rules = Rules(
            Definition(new FreeGift("tote")) with { Priority = 1 },
            Definition(new FreeGift("tote"), new CartSubtotalCondition(10_000m)) with { Priority = 2, Currency = "JPY" });
        var cart = Cart("JPY", 0m, Line("a", "shoe", 1, 100m), Line("g", "tote", 1, 0m));

        var result = Evaluate(rules, cart);

        Assert.Equal(ReasonCodes.CurrencyNotSupported, ReasonOf(result, 1));
        Assert.Equal(ReasonCodes.ConditionNotMet, ReasonOf(result, 2));
        Assert.Equal([new GiftItem(Id(2), "tote", 1)], result.GiftsNotDue);
    }

    [Fact]
    public void GiftsNotDue_NamesTheGiftPromotionThatDidNotApply_BeforeOneThatApplied()
    {
        var rules = Rules(
            Definition(new FreeGift("tote")) with { Priority = 1 },
            Definition(new FreeGift("tote"), new CartSubtotalCondition(500m)) with { Priority = 2 },
            Definition(new FreeGift("tote")) with { Priority = 3, Currency = "JPY" });
        var twoAtZero = Cart("EUR", 0m, Line("a", "shoe", 1, 100m), Line("g", "tote", 2, 0m));
        var threeAtZero = Cart("EUR", 0m, Line("a", "shoe", 1, 600m), Line("g", "tote", 3, 0m));

        // One unit is due (promotion 1), the other is promotion 2's, whose condition is not met.
        Assert.Equal([new GiftItem(Id(2), "tote", 1)], Evaluate(rules, twoAtZero).GiftsNotDue);
        // Both of this currency apply: the third unit is more than they give, named after the first of them.
        Assert.Equal([new GiftItem(Id(1), "tote", 1)], Evaluate(rules, threeAtZero).GiftsNotDue);
    }

    [Fact]
    public void FreeGift_UnitsAtZeroCountFirst_PricedUnitsFillTheRest_OnlyTheMissingAreListed()
    {
        var one = Evaluate(Definition(new FreeGift("tote", 1)),
            Cart("EUR", 0m, Line("a", "tote", 1, 5m), Line("b", "tote", 1, 0m)));
        var three = Evaluate(Definition(new FreeGift("tote", 3)),
            Cart("EUR", 0m, Line("a", "tote", 1, 5m), Line("b", "tote", 1, 0m)));

        Assert.Equal(5m, LineOf(one, "a").Total); // the gift is the unit added at 0; the bought one is charged
        Assert.Empty(one.Gifts);
        Assert.Equal(0m, LineOf(three, "a").Total);
        Assert.Equal([new GiftItem(Id(1), "tote", 1)], three.Gifts);
    }

    [Fact]
    public void FreeGift_TwoPromotionsOfOneProduct_EachGivesItsOwnUnit()
    {
        var rules = Rules(Definition(new FreeGift("tote")) with { Priority = 1 }, Definition(new FreeGift("tote")) with { Priority = 2 });
        Cart WithTote(int quantity, decimal unitPrice) => Cart("EUR", 0m, Line("a", "shoe", 1, 60m), Line("g", "tote", quantity, unitPrice));

        var none = Evaluate(rules, Cart("EUR", 0m, Line("a", "shoe", 1, 60m)));
        var oneAtZero = Evaluate(rules, WithTote(1, 0m));
        var onePriced = Evaluate(rules, WithTote(1, 10m));
        var twoAtZero = Evaluate(rules, WithTote(2, 0m));
        var threeAtZero = Evaluate(rules, WithTote(3, 0m));

        Assert.Equal([new GiftItem(Id(1), "tote", 1), new GiftItem(Id(2), "tote", 1)], none.Gifts);
        Assert.Equal([new GiftItem(Id(2), "tote", 1)], oneAtZero.Gifts);
        Assert.Empty(oneAtZero.GiftsNotDue);
        Assert.Equal([new GiftItem(Id(2), "tote", 1)], onePriced.Gifts);
        Assert.Equal(10m, AppliedOf(onePriced, 1).Amount);
        Assert.Empty(twoAtZero.Gifts);
        Assert.Empty(twoAtZero.GiftsNotDue);
        Assert.Equal([new GiftItem(Id(1), "tote", 1)], threeAtZero.GiftsNotDue);
    }

    [Fact]
    public void FreeGift_TheGiftUnitIsNotDiscountedPerUnitByLaterItemActions()
    {
        // Two totes at 10.00, one of them the gift: 2.00 off per unit takes 2.00 (one paid unit), a fixed price of 8.00
        // takes 2.00 off that unit — as with the gift sent at 0 beside one priced tote.
        foreach (var cart in new[]
                 {
                     Cart("EUR", 0m, Line("1", "tote", 2, 10.00m)),
                     Cart("EUR", 0m, Line("1", "tote", 1, 10.00m), Line("2", "tote", 1, 0m)),
                 })
        {
            var fixedOff = Evaluate(Rules(
                Definition(new FreeGift("tote")) with { Priority = 1 }, Definition(new FixedOffItems(2.00m, Products("tote"))) with { Priority = 2 }), cart);
            var fixedPrice = Evaluate(Rules(
                Definition(new FreeGift("tote")) with { Priority = 1 }, Definition(new FixedPrice(8.00m, Products("tote"))) with { Priority = 2 }), cart);

            Assert.Equal(2.00m, AppliedOf(fixedOff, 2).Amount);
            Assert.Equal(8.00m, fixedOff.Totals.GrandTotal);
            Assert.Equal(2.00m, AppliedOf(fixedPrice, 2).Amount);
            Assert.Equal(8.00m, fixedPrice.Totals.GrandTotal);
        }
    }
}
