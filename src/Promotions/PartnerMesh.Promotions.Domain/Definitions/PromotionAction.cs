using System.Text.Json.Serialization;

namespace PartnerMesh.Promotions.Domain.Definitions;

/// <summary>
/// What a promotion gives. Bases: an item action discounts each line's amount after the item promotions before it; an
/// order action discounts the items total after all item discounts and the order promotions before it; a shipping action
/// discounts shipping after the shipping promotions before it. No discount exceeds what is left of its base.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(PercentOffItems), "percentOffItems")]
[JsonDerivedType(typeof(FixedOffItems), "fixedOffItems")]
[JsonDerivedType(typeof(FixedPrice), "fixedPrice")]
[JsonDerivedType(typeof(BuyXGetY), "buyXGetY")]
[JsonDerivedType(typeof(FreeGift), "freeGift")]
[JsonDerivedType(typeof(PercentOffOrder), "percentOffOrder")]
[JsonDerivedType(typeof(FixedOffOrder), "fixedOffOrder")]
[JsonDerivedType(typeof(TieredOrderDiscount), "tieredOrder")]
[JsonDerivedType(typeof(PercentOffShipping), "percentOffShipping")]
[JsonDerivedType(typeof(FixedOffShipping), "fixedOffShipping")]
[JsonDerivedType(typeof(FreeShipping), "freeShipping")]
public abstract record PromotionAction
{
    [JsonIgnore]
    public abstract StackingClass StackingClass { get; }
}

/// <summary>Percent off the matching lines taken together (rounded once, shared across them in proportion);
/// <see cref="MaxDiscount"/> caps the promotion's total ("10 % up to 50").</summary>
public sealed record PercentOffItems(decimal Percent, ItemFilter? Filter = null, decimal? MaxDiscount = null) : PromotionAction
{
    public override StackingClass StackingClass => StackingClass.Item;
}

/// <summary>A fixed amount off each matching unit (never below zero).</summary>
public sealed record FixedOffItems(decimal AmountPerUnit, ItemFilter? Filter = null) : PromotionAction
{
    public override StackingClass StackingClass => StackingClass.Item;
}

/// <summary>Matching units cost <see cref="UnitPrice"/> (no discount on units already cheaper).</summary>
public sealed record FixedPrice(decimal UnitPrice, ItemFilter? Filter = null) : PromotionAction
{
    public override StackingClass StackingClass => StackingClass.Item;
}

/// <summary>
/// For every <see cref="BuyQuantity"/> units of <see cref="BuyFilter"/>, <see cref="GetQuantity"/> units of
/// <see cref="GetFilter"/> (default: the buy filter) get <see cref="Percent"/> off (100: free) or
/// <see cref="AmountOffPerUnit"/> off; the cheapest qualifying units are the discounted ones; repeats up to
/// <see cref="MaxApplications"/> times (null: as often as the cart allows).
/// </summary>
public sealed record BuyXGetY(
    int BuyQuantity, int GetQuantity, ItemFilter BuyFilter, ItemFilter? GetFilter = null,
    decimal? Percent = 100m, decimal? AmountOffPerUnit = null, int? MaxApplications = null) : PromotionAction
{
    public override StackingClass StackingClass => StackingClass.Item;
}

/// <summary>A gift: units of the product already in the cart become free; otherwise the answer lists it to add at 0.</summary>
public sealed record FreeGift(string ProductId, int Quantity = 1) : PromotionAction
{
    public override StackingClass StackingClass => StackingClass.Item;
}

public sealed record PercentOffOrder(decimal Percent, decimal? MaxDiscount = null) : PromotionAction
{
    public override StackingClass StackingClass => StackingClass.Order;
}

public sealed record FixedOffOrder(decimal Amount) : PromotionAction
{
    public override StackingClass StackingClass => StackingClass.Order;
}

/// <summary>"Spend 100 get 10, spend 200 get 30": the highest tier whose threshold the items subtotal (before any
/// discount, like <see cref="CartSubtotalCondition"/>) reaches.</summary>
public sealed record TieredOrderDiscount(IReadOnlyList<DiscountTier> Tiers) : PromotionAction
{
    public override StackingClass StackingClass => StackingClass.Order;
}

/// <summary>One tier: either an amount or a percent off the order.</summary>
public sealed record DiscountTier(decimal Threshold, decimal? AmountOff = null, decimal? Percent = null);

public sealed record PercentOffShipping(decimal Percent) : PromotionAction
{
    public override StackingClass StackingClass => StackingClass.Shipping;
}

public sealed record FixedOffShipping(decimal Amount) : PromotionAction
{
    public override StackingClass StackingClass => StackingClass.Shipping;
}

public sealed record FreeShipping : PromotionAction
{
    public override StackingClass StackingClass => StackingClass.Shipping;
}
