using PartnerMesh.Promotions.Domain.Definitions;
using PartnerMesh.Promotions.Domain.Evaluation;
using Xunit;
using static PartnerMesh.Promotions.UnitTests.Build;

namespace PartnerMesh.Promotions.UnitTests;

public sealed class PromotionDefinitionRulesTests
{
    private static void AssertRefused(PromotionDefinition definition, string path)
    {
        var errors = PromotionDefinitionRules.Validate(definition);

        Assert.NotNull(errors);
        Assert.Contains(path, errors.Keys);
    }

    public static TheoryData<PromotionAction> EveryAction => new()
    {
        new PercentOffItems(10m, Categories("shoes"), MaxDiscount: 50m),
        new FixedOffItems(5m),
        new FixedPrice(9.99m, Products("p")),
        new BuyXGetY(2, 1, Products("p")),
        new BuyXGetY(1, 1, Products("p"), Products("q"), Percent: null, AmountOffPerUnit: 2m, MaxApplications: 3),
        new FreeGift("tote"),
        new PercentOffOrder(10m, 50m),
        new FixedOffOrder(5m),
        new TieredOrderDiscount([new DiscountTier(100m, AmountOff: 10m), new DiscountTier(200m, AmountOff: 30m)]),
        new PercentOffShipping(50m),
        new FixedOffShipping(2m),
        new FreeShipping(),
    };

    [Theory]
    [MemberData(nameof(EveryAction))]
    public void Validate_SoundDefinitionOfEachAction_HasNoErrors(PromotionAction action) =>
        Assert.Null(PromotionDefinitionRules.Validate(Definition(action)));

    [Fact]
    public void Validate_EveryConditionSound_HasNoErrors()
    {
        var definition = Definition(new PercentOffOrder(10m),
            new CartSubtotalCondition(50m), new ItemsCondition(Products("p"), 2), new CustomerSegmentCondition(["vip"]),
            new FirstOrderCondition(), new PartnerCondition([Guid.NewGuid()]), new TrafficSourceCondition(["newsletter"]),
            new TouchpointCondition([Touchpoint.Cart]),
            new TimeWindowCondition("Europe/Berlin", [DayOfWeek.Friday], new TimeOnly(22, 0), new TimeOnly(2, 0))) with
        {
            RequiresCode = true,
            Codes = ["SUMMER10", "summer-11"],
            CampaignId = "black-friday",
            Budgets = [new Budget { Scope = BudgetScope.Campaign, MaxSpend = 1_000m }, new Budget { Period = BudgetPeriod.Day, MaxUses = 10 }],
        };

        Assert.Null(PromotionDefinitionRules.Validate(definition));
    }

    [Theory]
    [InlineData(100.01)]
    [InlineData(150)]
    [InlineData(0)]
    [InlineData(-5)]
    public void Validate_PercentOutOfRange_IsRefused(decimal percent)
    {
        AssertRefused(Definition(new PercentOffItems(percent)), "action.percent");
        AssertRefused(Definition(new PercentOffOrder(percent)), "action.percent");
        AssertRefused(Definition(new PercentOffShipping(percent)), "action.percent");
        AssertRefused(Definition(new BuyXGetY(1, 1, Products("p"), Percent: percent)), "action.percent");
    }

    [Fact]
    public void Validate_NegativeAmounts_AreRefused()
    {
        AssertRefused(Definition(new FixedOffItems(-1m)), "action.amountPerUnit");
        AssertRefused(Definition(new FixedOffOrder(-1m)), "action.amount");
        AssertRefused(Definition(new FixedPrice(-1m, Products("p"))), "action.unitPrice");
        AssertRefused(Definition(new FixedOffShipping(-0.01m)), "action.amount");
        AssertRefused(Definition(new PercentOffOrder(10m), new CartSubtotalCondition(-10m)), "conditions[0].min");
    }

    [Fact]
    public void Validate_AmountWithoutCurrency_IsRefused()
    {
        AssertRefused(Definition(new FixedOffOrder(5m)) with { Currency = null }, "action.amount");
        AssertRefused(Definition(new PercentOffOrder(10m, MaxDiscount: 50m)) with { Currency = null }, "action.maxDiscount");
        Assert.Null(PromotionDefinitionRules.Validate(Definition(new PercentOffOrder(10m)) with { Currency = null }));
    }

    [Theory]
    [InlineData("EUR", 5.001, true)]
    [InlineData("EUR", 5.01, false)]
    [InlineData("JPY", 5.5, true)]
    [InlineData("JPY", 500, false)]
    [InlineData("KWD", 1.0005, true)]
    [InlineData("KWD", 1.005, false)]
    public void Validate_AmountWithTooManyDecimalsForTheCurrency_IsRefused(string currency, decimal amount, bool refused)
    {
        var errors = PromotionDefinitionRules.Validate(Definition(new FixedOffOrder(amount)) with { Currency = currency });

        Assert.Equal(refused, errors is not null && errors.ContainsKey("action.amount"));
    }

    [Fact]
    public void Validate_UnknownCurrency_IsRefused() =>
        AssertRefused(Definition(new FreeShipping()) with { Currency = "XXX" }, "currency");

    [Fact]
    public void Validate_TiersOutOfOrder_AreRefused()
    {
        AssertRefused(Definition(new TieredOrderDiscount([new DiscountTier(200m, AmountOff: 30m), new DiscountTier(100m, AmountOff: 10m)])),
            "action.tiers[1].threshold");
        AssertRefused(Definition(new TieredOrderDiscount([new DiscountTier(100m, AmountOff: 10m), new DiscountTier(100m, AmountOff: 30m)])),
            "action.tiers[1].threshold");
        AssertRefused(Definition(new TieredOrderDiscount([new DiscountTier(100m, AmountOff: 30m), new DiscountTier(200m, AmountOff: 10m)])),
            "action.tiers[1]");
        AssertRefused(Definition(new TieredOrderDiscount([new DiscountTier(100m, AmountOff: 10m, Percent: 5m)])), "action.tiers[0]");
        AssertRefused(Definition(new TieredOrderDiscount([])), "action.tiers");
        AssertRefused(Definition(new TieredOrderDiscount([null!])), "action.tiers[0]");
    }

    [Fact]
    public void Validate_TiersMixingPercentAndAmount_AreRefused_SinceAHigherTierCouldGiveLess()
    {
        // 50 % of a 199 cart is 99.50, while the 200 tier gives 10; and 5 % of 200 is 10, below the 100 tier's 30.
        AssertRefused(Definition(new TieredOrderDiscount([new DiscountTier(100m, Percent: 50m), new DiscountTier(200m, AmountOff: 10m)])),
            "action.tiers[1]");
        AssertRefused(Definition(new TieredOrderDiscount([new DiscountTier(100m, AmountOff: 30m), new DiscountTier(200m, Percent: 5m)])),
            "action.tiers[1]");
        AssertRefused(Definition(new TieredOrderDiscount([new DiscountTier(100m, Percent: 10m), new DiscountTier(200m, Percent: 5m)])),
            "action.tiers[1]");
        Assert.Null(PromotionDefinitionRules.Validate(
            Definition(new TieredOrderDiscount([new DiscountTier(100m, Percent: 5m), new DiscountTier(200m, Percent: 10m)]))));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    public void Validate_EndsAtNotAfterStartsAt_IsRefused(int hours) =>
        AssertRefused(Definition(new FreeShipping()) with { Schedule = new Schedule(Now, Now.AddHours(hours)) }, "schedule.endsAt");

    [Fact]
    public void Validate_RequiresCodeWithoutOwnCodes_IsAccepted_CouponsCodesUnlockIt() =>
        Assert.Null(PromotionDefinitionRules.Validate(Definition(new FreeShipping()) with { RequiresCode = true }));

    [Fact]
    public void Validate_CodesWithoutRequiresCode_IsRefused() =>
        AssertRefused(Definition(new FreeShipping()) with { Codes = ["SUMMER10"] }, "requiresCode");

    [Fact]
    public void Validate_DuplicateCodesInAnyCase_AreRefused() =>
        AssertRefused(Definition(new FreeShipping()) with { RequiresCode = true, Codes = ["SUMMER10", " summer10"] }, "codes[1]");

    [Fact]
    public void Validate_CodeTypedFullWidth_IsAccepted_AndTheSameCodeInAsciiIsADuplicate()
    {
        Assert.Null(PromotionDefinitionRules.Validate(Definition(new FreeShipping()) with { RequiresCode = true, Codes = ["ＳＵＭＭＥＲ１０"] }));
        AssertRefused(Definition(new FreeShipping()) with { RequiresCode = true, Codes = ["ＳＵＭＭＥＲ１０", "summer10"] }, "codes[1]");
    }

    [Theory]
    [InlineData("SUMMER 10")]
    [InlineData("")]
    [InlineData("ÉTÉ")]
    [InlineData("SPR\u0131NG")] // look-alikes coupons refuses too: a dotless ı, a Cyrillic І, a zero-width space
    [InlineData("\u0406X")]
    [InlineData("A\u200BB")]
    public void Validate_MalformedCode_IsRefused(string code) =>
        AssertRefused(Definition(new FreeShipping()) with { RequiresCode = true, Codes = [code] }, "codes[0]");

    [Fact]
    public void Validate_CampaignBudgetWithoutCampaignId_IsRefused() =>
        AssertRefused(Definition(new FreeShipping()) with { Budgets = [new Budget { Scope = BudgetScope.Campaign, MaxUses = 10 }] }, "budgets[0].scope");

    [Fact]
    public void Validate_BudgetWithoutCapOrTwiceForTheSamePeriod_IsRefused()
    {
        AssertRefused(Definition(new FreeShipping()) with { Budgets = [new Budget()] }, "budgets[0]");
        AssertRefused(Definition(new FreeShipping()) with { Budgets = [new Budget { MaxUses = 1 }, new Budget { MaxSpend = 5m }] }, "budgets[1]");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(101)]
    public void Validate_RolloutOutsideZeroToHundred_IsRefused(int percent) =>
        AssertRefused(Definition(new FreeShipping()) with { RolloutPercent = percent }, "rolloutPercent");

    [Fact]
    public void Validate_BuyXGetYWithPercentAndAmount_IsRefused() =>
        AssertRefused(Definition(new BuyXGetY(1, 1, Products("p"), Percent: 50m, AmountOffPerUnit: 2m)), "action");

    [Fact]
    public void Validate_BadConditions_AreRefused()
    {
        AssertRefused(Definition(new FreeShipping(), new ItemsCondition(ItemFilter.All)), "conditions[0].filter");
        AssertRefused(Definition(new FreeShipping(), new ItemsCondition(Products("p"), 0)), "conditions[0].minQuantity");
        AssertRefused(Definition(new FreeShipping(), new CustomerSegmentCondition([])), "conditions[0].segments");
        AssertRefused(Definition(new FreeShipping(), new PartnerCondition([Guid.Empty])), "conditions[0].partnerIds");
        AssertRefused(Definition(new FreeShipping(), new TimeWindowCondition("Mars/Olympus", [], new TimeOnly(9, 0), new TimeOnly(10, 0))), "conditions[0].timeZone");
        AssertRefused(Definition(new FreeShipping(), new TimeWindowCondition("UTC", [], new TimeOnly(9, 0), new TimeOnly(9, 0))), "conditions[0].to");
        AssertRefused(Definition(new FreeShipping(), new TimeWindowCondition("UTC", null!, new TimeOnly(9, 0), new TimeOnly(10, 0))), "conditions[0].days");
        AssertRefused(Definition(new FreeShipping(), new TimeWindowCondition("UTC", [], new TimeOnly(9, 0), new TimeOnly(10, 0))), "conditions[0].days");
    }

    [Fact]
    public void Validate_FixedPriceWithoutFilter_IsRefused() =>
        AssertRefused(Definition(new FixedPrice(5m)), "action.filter");
}
