using PartnerMesh.Promotions.Domain.Definitions;
using PartnerMesh.Promotions.Domain.Evaluation;
using Xunit;
using static PartnerMesh.Promotions.UnitTests.Build;

namespace PartnerMesh.Promotions.UnitTests;

/// <summary>Medusa shipped six buy-X-get-Y bugs, most about quantities added in one step: every case here is checked
/// with the units in one line and split over several lines.</summary>
public sealed class BuyXGetYTests
{
    private static readonly BuyXGetY BuyTwoGetOne = new(2, 1, Products("mug"));

    private static Cart OneLine(int quantity, decimal unitPrice, string currency = "EUR") =>
        Cart(currency, 0m, Line("l1", "mug", quantity, unitPrice));

    private static Cart SplitLines(int quantity, decimal unitPrice, string currency = "EUR") =>
        Cart(currency, 0m, [.. Enumerable.Range(1, quantity).Select(index => Line($"l{index:D2}", "mug", 1, unitPrice))]);

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 0)]
    [InlineData(3, 10.00)]
    [InlineData(5, 10.00)]
    [InlineData(6, 20.00)]
    [InlineData(9, 30.00)]
    public void BuyTwoGetOne_SameProductInOneLine_GivesOneFreePerThree(int quantity, decimal expected)
    {
        var result = Evaluate(Definition(BuyTwoGetOne), OneLine(quantity, 10.00m));

        Assert.Equal(expected, result.Totals.ItemDiscounts);
        Assert.Equal(quantity * 10.00m - expected, result.Totals.GrandTotal);
    }

    [Theory]
    [InlineData(3, 10.00)]
    [InlineData(5, 10.00)]
    [InlineData(6, 20.00)]
    public void BuyTwoGetOne_SameProductOverSeveralLines_GivesTheSameAsOneLine(int quantity, decimal expected)
    {
        var split = Evaluate(Definition(BuyTwoGetOne), SplitLines(quantity, 10.00m));
        var mixed = Evaluate(Definition(BuyTwoGetOne),
            Cart("EUR", 0m, Line("l1", "mug", quantity - 1, 10.00m), Line("l2", "mug", 1, 10.00m)));

        Assert.Equal(expected, split.Totals.ItemDiscounts);
        Assert.Equal(expected, mixed.Totals.ItemDiscounts);
    }

    [Fact]
    public void BuyTwoGetOne_DifferentPrices_TheCheapestUnitIsFree()
    {
        var filter = Categories("mugs");
        var cart = Cart("EUR", 0m,
            Line("a", "big-mug", 1, 15.00m, ["mugs"]),
            Line("b", "small-mug", 1, 8.00m, ["mugs"]),
            Line("c", "mid-mug", 1, 12.00m, ["mugs"]));

        var result = Evaluate(Definition(new BuyXGetY(2, 1, filter)), cart);

        Assert.Equal([new LineDiscount("b", 8.00m)], AppliedOf(result, 1).Lines);
        Assert.Equal(27.00m, result.Totals.GrandTotal);
    }

    [Theory]
    [InlineData(6, 1, 10.00, 20.00)]
    [InlineData(9, 2, 20.00, 30.00)]
    [InlineData(30, 2, 20.00, 100.00)]
    [InlineData(6, 2, 20.00, null)]   // the cart allows exactly the maximum: nothing was cut
    public void BuyTwoGetOne_WithMaxApplications_StopsAtTheMaximum_AndSaysSo(int quantity, int maxApplications, decimal expected, double? uncapped)
    {
        var action = BuyTwoGetOne with { MaxApplications = maxApplications };

        foreach (var result in new[] { Evaluate(Definition(action), OneLine(quantity, 10.00m)), Evaluate(Definition(action), SplitLines(quantity, 10.00m)) })
        {
            Assert.Equal(expected, result.Totals.ItemDiscounts);
            Assert.Equal(uncapped is null ? null : DiscountLimits.MaxApplications, AppliedOf(result, 1).LimitedBy);
            Assert.Equal((decimal?)uncapped, AppliedOf(result, 1).UncappedAmount);
        }
    }

    [Theory]
    [InlineData(3, 5.00)]
    [InlineData(6, 10.00)]
    public void BuyTwoGetOneHalfPrice_PercentVariant_HalvesTheGivenUnits(int quantity, decimal expected)
    {
        var action = BuyTwoGetOne with { Percent = 50m };

        Assert.Equal(expected, Evaluate(Definition(action), OneLine(quantity, 10.00m)).Totals.ItemDiscounts);
        Assert.Equal(expected, Evaluate(Definition(action), SplitLines(quantity, 10.00m)).Totals.ItemDiscounts);
    }

    [Fact]
    public void BuyOneGetOneHalfPrice_OddMinorUnits_OneLineEqualsSplitLines()
    {
        // ¥105 × 4, buy 1 get 1 at 50 %: two given units of ¥52.5 each. Rounded per given unit (¥53), one line and four
        // lines agree on ¥106; rounded over the line's units they would not (¥105 against ¥106).
        var action = new BuyXGetY(1, 1, Products("mug"), Percent: 50m);

        var one = Evaluate(Definition(action) with { Currency = null }, OneLine(4, 105m, "JPY"));
        var split = Evaluate(Definition(action) with { Currency = null }, SplitLines(4, 105m, "JPY"));

        Assert.Equal(split.Totals.ItemDiscounts, one.Totals.ItemDiscounts);
        Assert.Equal(106m, one.Totals.ItemDiscounts);
    }

    [Theory]
    [InlineData(3, 3.00)]
    [InlineData(6, 6.00)]
    public void BuyTwoGetOne_FixedAmountVariant_TakesTheAmountOffEachGivenUnit(int quantity, decimal expected)
    {
        var action = BuyTwoGetOne with { Percent = null, AmountOffPerUnit = 3.00m };

        Assert.Equal(expected, Evaluate(Definition(action), OneLine(quantity, 10.00m)).Totals.ItemDiscounts);
        Assert.Equal(expected, Evaluate(Definition(action), SplitLines(quantity, 10.00m)).Totals.ItemDiscounts);
    }

    [Fact]
    public void BuyOneGetOne_FixedAmountAboveUnitPrice_IsCappedAtTheUnitPrice()
    {
        var action = new BuyXGetY(1, 1, Products("mug"), Percent: null, AmountOffPerUnit: 25.00m);

        var result = Evaluate(Definition(action), OneLine(2, 10.00m));

        Assert.Equal(10.00m, result.Totals.ItemDiscounts);
    }

    [Theory]
    [InlineData(1, 3, 10.00)]   // one phone: one free case
    [InlineData(2, 3, 20.00)]   // two phones: two free cases
    [InlineData(3, 2, 20.00)]   // three phones but only two cases
    [InlineData(0, 3, 0)]
    public void BuyPhoneGetCase_DisjointFilters_GivesOneGetUnitPerBoughtUnit(int phones, int cases, decimal expected)
    {
        var action = new BuyXGetY(1, 1, Products("phone"), Products("case"));
        var lines = new List<CartLine> { Line("c", "case", cases, 10.00m) };
        if (phones > 0)
        {
            lines.Add(Line("p", "phone", phones, 500.00m));
        }

        var result = Evaluate(Rules(Definition(action)), Cart("EUR", 0m, [.. lines]));

        Assert.Equal(expected, result.Totals.ItemDiscounts);
        Assert.Equal(expected, LineOf(result, "c").ItemDiscount);
    }

    [Fact]
    public void BuyPhoneGetCase_DisjointFilters_CasesAddedOneByOneGiveTheSame()
    {
        var action = new BuyXGetY(1, 1, Products("phone"), Products("case"));
        var one = Cart("EUR", 0m, Line("p", "phone", 2, 500.00m), Line("c", "case", 3, 10.00m));
        var split = Cart("EUR", 0m, Line("p1", "phone", 1, 500.00m), Line("p2", "phone", 1, 500.00m),
            Line("c1", "case", 1, 10.00m), Line("c2", "case", 1, 10.00m), Line("c3", "case", 1, 10.00m));

        Assert.Equal(20.00m, Evaluate(Definition(action), one).Totals.ItemDiscounts);
        Assert.Equal(20.00m, Evaluate(Definition(action), split).Totals.ItemDiscounts);
    }

    [Fact]
    public void BuyTwoGetOne_OverlappingFilters_NoUnitCountsTwice()
    {
        // Buy any two mugs (category), get a small mug (product) free. Two small mugs alone: nothing (a given unit
        // cannot also be bought). Three small mugs: one free. One big and two small: one small free.
        var action = new BuyXGetY(2, 1, Categories("mugs"), Products("small"));
        var small = Line("s", "small", 2, 8.00m, ["mugs"]);

        Assert.Equal(0m, Evaluate(Definition(action), Cart("EUR", 0m, small)).Totals.ItemDiscounts);
        Assert.Equal(8.00m, Evaluate(Definition(action), Cart("EUR", 0m, small with { Quantity = 3 })).Totals.ItemDiscounts);
        var mixed = Evaluate(Definition(action), Cart("EUR", 0m, Line("b", "big", 1, 15.00m, ["mugs"]), small));
        Assert.Equal([new LineDiscount("s", 8.00m)], AppliedOf(mixed, 1).Lines);
    }

    [Fact]
    public void BuyTwoGetOne_OverlappingFilters_PrefersGivingGetOnlyUnitsAtEqualPrice()
    {
        // Buy two from "mugs", get one from "mugs" or "saucers". Two mugs and a saucer at the same price: the saucer
        // is free (giving a mug would leave one mug bought, too few).
        var action = new BuyXGetY(2, 1, Categories("mugs"), Categories("mugs", "saucers"));
        var cart = Cart("EUR", 0m, Line("a", "mug", 2, 6.00m, ["mugs"]), Line("b", "saucer", 1, 6.00m, ["saucers"]));

        var result = Evaluate(Definition(action), cart);

        Assert.Equal([new LineDiscount("b", 6.00m)], AppliedOf(result, 1).Lines);
    }

    [Fact]
    public void BuyTwoGetOne_OverlappingFilters_OneLineEqualsSplitLines()
    {
        var action = new BuyXGetY(2, 1, Categories("mugs"), Products("small"));
        var one = Cart("EUR", 0m, Line("b", "big", 4, 15.00m, ["mugs"]), Line("s", "small", 5, 8.00m, ["mugs"]));
        var split = Cart("EUR", 0m, [
            .. Enumerable.Range(1, 4).Select(index => Line($"b{index}", "big", 1, 15.00m, ["mugs"])),
            .. Enumerable.Range(1, 5).Select(index => Line($"s{index}", "small", 1, 8.00m, ["mugs"])),
        ]);

        // 9 units: 3 applications (6 bought + 3 given); the 3 given are small mugs.
        Assert.Equal(24.00m, Evaluate(Definition(action), one).Totals.ItemDiscounts);
        Assert.Equal(24.00m, Evaluate(Definition(action), split).Totals.ItemDiscounts);
    }

    [Fact]
    public void BuyXGetY_AfterAnItemDiscount_DiscountsTheDiscountedUnitPrice()
    {
        var rules = Rules(Definition(new PercentOffItems(10m)) with { Priority = 1 }, Definition(BuyTwoGetOne) with { Priority = 2 });

        var result = Evaluate(rules, OneLine(3, 10.00m));

        Assert.Equal(3.00m, AppliedOf(result, 1).Amount);
        Assert.Equal(9.00m, AppliedOf(result, 2).Amount);
        Assert.Equal(18.00m, result.Totals.GrandTotal);
    }

    [Fact]
    public void BuyXGetY_AfterAPercentOffItemsLeftOddCents_OneLineEqualsSplitLines()
    {
        // 6 × 1.21 = 7.26; 15 % off is 1.09, which six lines share unevenly (1.02 or 1.03 left each). The units still cost
        // 6.17 / 6 each, however they are split: buy 2 get 1 at 50 %, twice, gives 2 × 0.51.
        var rules = Rules(
            Definition(new PercentOffItems(15m, Categories("c1"))) with { Priority = 1 },
            Definition(new BuyXGetY(2, 1, Categories("c2"), Percent: 50m, MaxApplications: 2)) with { Priority = 2 });
        var one = Cart("EUR", 0m, Line("1", "k", 6, 1.21m, ["c1", "c2"]));
        var six = Cart("EUR", 0m, [.. Enumerable.Range(1, 6).Select(index => Line($"{index}", "k", 1, 1.21m, ["c1", "c2"]))]);

        foreach (var result in new[] { Evaluate(rules, one), Evaluate(rules, six) })
        {
            Assert.Equal(1.09m, AppliedOf(result, 1).Amount);
            Assert.Equal(1.02m, AppliedOf(result, 2).Amount);
            Assert.Equal(5.15m, result.Totals.GrandTotal);
        }
    }

    [Fact]
    public void BuyXGetY_SameGoodsOverSeveralLines_SharesEachGroupsDiscountAcrossItsLines()
    {
        // Two lines of the same mug are one group of 6: two given units of 10.00, shared 2 : 4 by what each line costs.
        var result = Evaluate(Definition(BuyTwoGetOne), Cart("EUR", 0m, Line("a", "mug", 2, 10.00m), Line("b", "mug", 4, 10.00m)));

        Assert.Equal(20.00m, AppliedOf(result, 1).Amount);
        Assert.Equal([new LineDiscount("a", 6.67m), new LineDiscount("b", 13.33m)], AppliedOf(result, 1).Lines);
    }

    [Fact]
    public void BuyOneGetOne_TwoProductsAtTheSamePrice_TheGoodsDecideWhichIsGiven_NotTheLineIds()
    {
        // Buy 1 get 1 on a or b, then 50 % off a: the tie between a and b at 10.00 is broken by the goods (product a), so
        // whichever was added first (the lower line id), a is given and the 50 % finds nothing left to discount.
        var rules = Rules(
            Definition(new BuyXGetY(1, 1, Products("a", "b"), Products("a", "b"))) with { Priority = 1 },
            Definition(new PercentOffItems(50m, Products("a"))) with { Priority = 2 });

        foreach (var cart in new[]
                 {
                     Cart("EUR", 0m, Line("1", "a", 1, 10.00m), Line("2", "b", 1, 10.00m)),
                     Cart("EUR", 0m, Line("1", "b", 1, 10.00m), Line("2", "a", 1, 10.00m)),
                 })
        {
            var result = Evaluate(rules, cart);

            Assert.Equal(10.00m, AppliedOf(result, 1).Amount);
            Assert.Equal(ReasonCodes.NothingToDiscount, ReasonOf(result, 2));
            Assert.Equal(10.00m, result.Totals.GrandTotal);
        }
    }

    [Fact]
    public void BuyOneGetOne_AfterAPercentWhoseLeftoverCentTied_GivesTheSameUnderAnyLineIds()
    {
        // 10 % of a and b at 0.05 each is 0.01, for one of two lines that tie: the goods decide (a, the first by product),
        // so the b given afterwards costs 0.05 whichever line was added first.
        var rules = Rules(
            Definition(new PercentOffItems(10m, Products("a", "b"))) with { Priority = 1 },
            Definition(new BuyXGetY(1, 1, Products("a", "b"), Products("b"))) with { Priority = 2 });

        foreach (var cart in new[]
                 {
                     Cart("EUR", 0m, Line("1", "a", 1, 0.05m), Line("2", "b", 1, 0.05m)),
                     Cart("EUR", 0m, Line("1", "b", 1, 0.05m), Line("2", "a", 1, 0.05m)),
                 })
        {
            var result = Evaluate(rules, cart);

            Assert.Equal(0.05m, AppliedOf(result, 2).Amount);
            Assert.Equal(0.04m, result.Totals.GrandTotal);
        }
    }

    [Theory]
    [InlineData(2, 0, 10.00)]
    [InlineData(1, 1, 10.00)]
    [InlineData(3, 0, 10.00)]
    [InlineData(2, 1, 10.00)]
    [InlineData(4, 0, 20.00)]
    public void BuyOneGetOne_AfterAFreeGiftOfTheSameProduct_TheGiftUnitIsNeitherBoughtNorGiven(int priced, int atZero, decimal grandTotal)
    {
        var rules = Rules(
            Definition(new FreeGift("mug")) with { Priority = 1 },
            Definition(new BuyXGetY(1, 1, Products("mug"))) with { Priority = 2 });
        CartLine[] lines = [Line("1", "mug", priced, 10.00m)];
        var cart = Cart("EUR", 0m, atZero == 0 ? lines : [.. lines, Line("2", "mug", atZero, 0m)]);

        var result = Evaluate(rules, cart);

        Assert.Equal(grandTotal, result.Totals.GrandTotal);
        Assert.Empty(result.Gifts);
    }
}
