using PartnerMesh.Promotions.Domain.Definitions;
using PartnerMesh.Promotions.Domain.Evaluation;
using PartnerMesh.Promotions.Domain.Money;
using Xunit;
using static PartnerMesh.Promotions.UnitTests.Build;

namespace PartnerMesh.Promotions.UnitTests;

public sealed class MoneyTests
{
    [Theory]
    [InlineData("EUR", 2, 0.01)]
    [InlineData("USD", 2, 0.01)]
    [InlineData("JPY", 0, 1)]
    [InlineData("KWD", 3, 0.001)]
    public void MinorUnitsOf_Currency_IsTheIsoMinorUnit(string currency, int units, decimal minorUnit)
    {
        Assert.Equal(units, Currencies.MinorUnitsOf(currency));
        Assert.Equal(minorUnit, Currencies.MinorUnit(currency));
    }

    [Theory]
    [InlineData(2.345, "EUR", 2.35)]
    [InlineData(2.344, "EUR", 2.34)]
    [InlineData(-2.345, "EUR", -2.35)]
    [InlineData(100.5, "JPY", 101)]
    [InlineData(0.0005, "KWD", 0.001)]
    public void Round_Midpoint_GoesAwayFromZero(decimal amount, string currency, decimal expected) =>
        Assert.Equal(expected, Currencies.Round(amount, currency));

    [Fact]
    public void Evaluate_TenPercentOfYen1005_Is101()
    {
        var result = Evaluate(Definition(new PercentOffItems(10m)) with { Currency = null }, Cart("JPY", 0m, Line("a", "p", 1, 1005m)));

        Assert.Equal(101m, result.Totals.ItemDiscounts);
        Assert.Equal(904m, result.Totals.GrandTotal);
    }

    [Fact]
    public void Evaluate_KuwaitiDinar_RoundsToThreeDecimals()
    {
        // 7.5 % of 12.345 = 0.925875 → 0.926; of 1.111 = 0.083325 → 0.083.
        var result = Evaluate(Definition(new PercentOffItems(7.5m)) with { Currency = null },
            Cart("KWD", 0m, Line("a", "p", 1, 12.345m), Line("b", "q", 1, 1.111m)));

        Assert.Equal([0.926m, 0.083m], result.Lines.Select(line => line.ItemDiscount));
        Assert.Equal(12.447m, result.Totals.GrandTotal);
    }

    [Fact]
    public void Evaluate_EuroPercentOverThreeLines_RoundsTheWholeBaseOnceHalfAwayFromZero()
    {
        // 15 % of 0.90 = 0.135 → 0.14, shared 0.05 / 0.05 / 0.04 (ties to the first goods in canonical order: products p and q); rounding each line
        // (0.045 → 0.05) would give 0.15, more than 15 % of what was bought.
        var result = Evaluate(Definition(new PercentOffItems(15m)),
            Cart("EUR", 0m, Line("a", "p", 1, 0.30m), Line("b", "q", 1, 0.30m), Line("c", "r", 1, 0.30m)));

        Assert.Equal(0.14m, result.Totals.ItemDiscounts);
        Assert.Equal([0.05m, 0.05m, 0.04m], result.Lines.Select(line => line.ItemDiscount));
    }

    [Fact]
    public void Evaluate_OrderDiscountOfTenOverThreeEqualLines_Allocates334333333()
    {
        var cart = Cart("EUR", 0m, Line("c", "r", 1, 20.00m), Line("a", "p", 1, 20.00m), Line("b", "q", 1, 20.00m));

        var result = Evaluate(Definition(new FixedOffOrder(10.00m)), cart);

        Assert.Equal(3.34m, LineOf(result, "a").OrderDiscountAllocation);   // ties go to the first goods in canonical order (product p)
        Assert.Equal(3.33m, LineOf(result, "b").OrderDiscountAllocation);
        Assert.Equal(3.33m, LineOf(result, "c").OrderDiscountAllocation);
        Assert.Equal(10.00m, result.Totals.OrderDiscounts);
        Assert.Equal(["c", "a", "b"], result.Lines.Select(line => line.Id));   // lines come back in the order sent
    }

    [Fact]
    public void Evaluate_OrderDiscountInYen_AllocatesWholeYen()
    {
        var cart = Cart("JPY", 0m, Line("a", "p", 1, 1000m), Line("b", "q", 1, 1000m), Line("c", "r", 1, 1000m));

        var result = Evaluate(Definition(new FixedOffOrder(100m)) with { Currency = "JPY" }, cart);

        Assert.Equal([34m, 33m, 33m], result.Lines.Select(line => line.OrderDiscountAllocation));
    }

    [Fact]
    public void Evaluate_OrderDiscountOverUnequalLines_LargestRemainderGetsTheLeftoverUnit()
    {
        // 1.00 over 1.00 / 2.00 / 4.00: exact 14.29 / 28.57 / 57.14 cents → 14 / 28 / 57 = 99, the leftover cent goes
        // to the largest remainder (0.57 of line b).
        var cart = Cart("EUR", 0m, Line("a", "p", 1, 1.00m), Line("b", "q", 1, 2.00m), Line("c", "r", 1, 4.00m));

        var result = Evaluate(Definition(new FixedOffOrder(1.00m)), cart);

        Assert.Equal([0.14m, 0.29m, 0.57m], result.Lines.Select(line => line.OrderDiscountAllocation));
    }

    [Theory]
    [InlineData("EUR", 5.00, 0.05, 37.58, 12.41, 0.01, 3.75, 1.24)]
    [InlineData("JPY", 500, 5, 3758, 1241, 1, 375, 124)]
    [InlineData("KWD", 0.500, 0.005, 3.758, 1.241, 0.001, 0.375, 0.124)]
    public void Evaluate_OrderDiscountWithEqualRemaindersOfUnequalLines_TheCheaperGoodsGetTheLeftoverUnit(
        string currency, decimal amount, decimal a, decimal b, decimal c, decimal shareOfA, decimal shareOfB, decimal shareOfC)
    {
        // 5.00 over 0.05 / 37.58 / 12.41 (50.04): exact 0.4996 / 375.4996 / 124.0008 cents. a and b have the same remainder
        // (2500/5004 of a cent), though b's larger whole part leaves a decimal fewer digits for it: the cent goes to a, the
        // cheaper goods.
        var cart = Cart(currency, 0m, Line("c", "r", 1, c), Line("b", "q", 1, b), Line("a", "p", 1, a));

        var result = Evaluate(Definition(new FixedOffOrder(amount)) with { Currency = currency }, cart);

        Assert.Equal(shareOfA, LineOf(result, "a").OrderDiscountAllocation);
        Assert.Equal(shareOfB, LineOf(result, "b").OrderDiscountAllocation);
        Assert.Equal(shareOfC, LineOf(result, "c").OrderDiscountAllocation);
    }

    [Fact]
    public void Evaluate_PercentOffItemsWithEqualRemaindersOfUnequalLines_TheCheaperGoodsGetTheLeftoverUnit()
    {
        // 10 % of 50.04 is 5.00, shared as the order discount above is.
        var cart = Cart("EUR", 0m, Line("c", "r", 1, 12.41m), Line("b", "q", 1, 37.58m), Line("a", "p", 1, 0.05m));

        var result = Evaluate(Definition(new PercentOffItems(10m, ItemFilter.All)), cart);

        Assert.Equal([0.01m, 3.75m, 1.24m], new[] { "a", "b", "c" }.Select(id => LineOf(result, id).ItemDiscount));
    }

    [Fact]
    public void Evaluate_OrderDiscountOverTheLargestCart_AllocatesExactly()
    {
        // 500 lines of 10,000 units at 1,000,000,000 KWD: units × weight needs more than 64 bits.
        var lines = Enumerable.Range(0, 500).Select(index => Line($"l{index:D3}", $"p{index}", 10_000, index == 0 ? 999_999_999.999m : 1_000_000_000m)).ToArray();
        var cart = Cart("KWD", 0m, lines);

        var result = Evaluate(Definition(new FixedOffOrder(999_999_999.999m)) with { Currency = "KWD" }, cart);

        Assert.Equal(999_999_999.999m, result.Lines.Sum(line => line.OrderDiscountAllocation));
        Assert.All(result.Lines, line => Assert.InRange(line.OrderDiscountAllocation, 1_999_999.999m, 2_000_000.001m));
    }

    [Fact]
    public void Evaluate_TwoOrderDiscounts_AllocateOnWhatEachLineStillCosts()
    {
        var cart = Cart("EUR", 0m, Line("a", "p", 1, 10.00m), Line("b", "q", 1, 30.00m));
        var rules = Rules(Definition(new FixedOffOrder(20.00m)), Definition(new FixedOffOrder(20.00m)));

        var result = Evaluate(rules, cart);

        Assert.Equal([10.00m, 30.00m], result.Lines.Select(line => line.OrderDiscountAllocation));
        Assert.Equal(0m, result.Totals.GrandTotal);
    }
}
