using PartnerMesh.Promotions.Domain.Definitions;
using PartnerMesh.Promotions.Domain.Evaluation;
using Xunit;
using static PartnerMesh.Promotions.UnitTests.Build;

namespace PartnerMesh.Promotions.UnitTests;

/// <summary>The project-wide modes: bestDeal's picks judged by the whole evaluation's total, the Talon.One names, and the
/// choice among exclusive promotions.</summary>
public sealed class StackingModeTests
{
    private static readonly Cart OneHundred = Cart("EUR", 0m, Line("a", "a", 1, 100.00m));

    // A 10.00 off a (not with order promotions), B 9 % off items, O 50 % off the order.
    private static PromotionDefinition[] BlockingItemPick(Exclusivity exclusivity = Exclusivity.Stackable, CombinesWith? combinesWith = null) =>
    [
        Definition(new FixedOffItems(10.00m, Products("a"))) with { Priority = 1, Exclusivity = exclusivity, CombinesWith = combinesWith },
        Definition(new PercentOffItems(9m)) with { Priority = 2 },
        Definition(new PercentOffOrder(50m)) with { Priority = 3 },
    ];

    [Fact]
    public void Evaluate_BestDeal_ItemPickThatBlocksTheOrderClass_LosesToTheLargerTotal()
    {
        var result = Evaluate(Rules(StackingMode.BestDeal, BlockingItemPick(combinesWith: new CombinesWith(Order: false))), OneHundred);

        // A alone: 10.00; B then O: 9.00 + 50 % of 91.00 = 54.50.
        Assert.Equal([Id(2), Id(3)], result.Applied.Select(applied => applied.PromotionId));
        Assert.Equal(54.50m, result.Totals.DiscountTotal);
        Assert.Equal(ReasonCodes.NotBestDeal, ReasonOf(result, 1));
    }

    [Fact]
    public void Evaluate_BestDeal_StopAfterThisItemPick_LosesToTheLargerTotal()
    {
        var result = Evaluate(Rules(StackingMode.BestDeal, BlockingItemPick(Exclusivity.StopAfterThis)), OneHundred);

        Assert.Equal([Id(2), Id(3)], result.Applied.Select(applied => applied.PromotionId));
        Assert.Equal(54.50m, result.Totals.DiscountTotal);
        Assert.Equal(ReasonCodes.NotBestDeal, ReasonOf(result, 1));
    }

    [Fact]
    public void Evaluate_BestDeal_KeepsNoItemPromotionWhenEveryOneBlocksMore()
    {
        var result = Evaluate(Rules(StackingMode.BestDeal,
            Definition(new FixedOffItems(10.00m, Products("a"))) with { CombinesWith = new CombinesWith(Order: false) },
            Definition(new PercentOffOrder(50m))), OneHundred);

        Assert.Equal([Id(2)], result.Applied.Select(applied => applied.PromotionId));
        Assert.Equal(50.00m, result.Totals.DiscountTotal);
        Assert.Equal(ReasonCodes.NotBestDeal, ReasonOf(result, 1));
    }

    [Fact]
    public void Evaluate_BestDeal_IsNeverLessForTheShopperThanLowestDiscountOrPerClassPicks()
    {
        var definitions = BlockingItemPick(combinesWith: new CombinesWith(Order: false));

        var bestDeal = Evaluate(Rules(StackingMode.BestDeal, definitions), OneHundred);
        var lowest = Evaluate(Rules(StackingMode.LowestDiscount, definitions), OneHundred);

        Assert.Equal(54.50m, lowest.Totals.DiscountTotal); // B (the smaller item offer) then O
        Assert.True(bestDeal.Totals.DiscountTotal >= lowest.Totals.DiscountTotal);
    }

    [Fact]
    public void Evaluate_BestDeal_OrderPickThatBlocksShipping_LosesToTheLargerTotal()
    {
        var cart = Cart("EUR", 20.00m, Line("a", "a", 1, 100.00m));
        var result = Evaluate(Rules(StackingMode.BestDeal,
            Definition(new FixedOffOrder(12.00m)) with { CombinesWith = new CombinesWith(Shipping: false) },
            Definition(new FixedOffOrder(10.00m)),
            Definition(new FreeShipping())), cart);

        Assert.Equal([Id(2), Id(3)], result.Applied.Select(applied => applied.PromotionId));
        Assert.Equal(30.00m, result.Totals.DiscountTotal);
    }

    [Fact]
    public void Evaluate_BestDeal_DoesNotDependOnPriorities()
    {
        // The same promotions with priorities reversed: the picks follow the totals, not the order.
        var definitions = BlockingItemPick(combinesWith: new CombinesWith(Order: false));
        var reversed = definitions.Select(definition => definition with { Priority = 10 - definition.Priority }).ToArray();

        var result = Evaluate(Rules(StackingMode.BestDeal, reversed), OneHundred);

        Assert.Equal(54.50m, result.Totals.DiscountTotal);
        Assert.Equal(ReasonCodes.NotBestDeal, ReasonOf(result, 1));
    }

    [Fact]
    public void Evaluate_TalonOneNames_MeanTheirCounterparts()
    {
        var definitions = BlockingItemPick(combinesWith: new CombinesWith(Order: false));

        foreach (var (talonOne, ours) in new[]
                 {
                     (StackingMode.Stackable, StackingMode.Stack), (StackingMode.ListOrder, StackingMode.Stack),
                     (StackingMode.HighestDiscount, StackingMode.BestDeal),
                 })
        {
            var named = Evaluate(Rules(talonOne, definitions), OneHundred);
            var counterpart = Evaluate(Rules(ours, definitions), OneHundred);

            Assert.Equal(counterpart.Totals, named.Totals);
            Assert.Equal(counterpart.Applied.Select(applied => applied.PromotionId), named.Applied.Select(applied => applied.PromotionId));
            Assert.Equal(counterpart.NotApplied.Select(entry => entry.Reason), named.NotApplied.Select(entry => entry.Reason));
        }
    }

    [Theory]
    [InlineData(StackingMode.Stack, 1)]
    [InlineData(StackingMode.Stackable, 1)]
    [InlineData(StackingMode.ListOrder, 1)]
    [InlineData(StackingMode.BestDeal, 2)]
    [InlineData(StackingMode.HighestDiscount, 2)]
    [InlineData(StackingMode.LowestDiscount, 1)]
    public void Evaluate_AmongExclusivePromotions_TheModeChooses(StackingMode mode, int winner)
    {
        // 5 % off items first by priority, 20 % off the order, 10 % off items; and one exclusive that gives nothing.
        var result = Evaluate(Rules(mode,
            Definition(new PercentOffItems(5m)) with { Exclusivity = Exclusivity.Exclusive, Priority = 1 },
            Definition(new PercentOffOrder(20m)) with { Exclusivity = Exclusivity.Exclusive, Priority = 2 },
            Definition(new PercentOffItems(10m)) with { Exclusivity = Exclusivity.Exclusive, Priority = 3 },
            Definition(new FixedOffItems(1.00m, Products("none"))) with { Exclusivity = Exclusivity.Exclusive, Priority = 0 },
            Definition(new PercentOffItems(50m))), OneHundred);

        Assert.Equal([Id(winner)], result.Applied.Select(applied => applied.PromotionId));
        Assert.All(new[] { 1, 2, 3, 5 }.Where(id => id != winner),
            id => Assert.Equal(ReasonCodes.ExcludedByExclusivity, ReasonOf(result, id)));
    }

    [Fact]
    public void Evaluate_LowestDiscount_AmongExclusives_IgnoresOnesThatGiveNothing_AndTiesGoByPriority()
    {
        var result = Evaluate(Rules(StackingMode.LowestDiscount,
            Definition(new FixedOffItems(1.00m, Products("none"))) with { Exclusivity = Exclusivity.Exclusive, Priority = 0 },
            Definition(new FixedOffOrder(5.00m)) with { Exclusivity = Exclusivity.Exclusive, Priority = 9 },
            Definition(new PercentOffItems(5m)) with { Exclusivity = Exclusivity.Exclusive, Priority = 5 }), OneHundred);

        Assert.Equal([Id(3)], result.Applied.Select(applied => applied.PromotionId)); // 5.00 each: priority 5 before 9
    }
}
