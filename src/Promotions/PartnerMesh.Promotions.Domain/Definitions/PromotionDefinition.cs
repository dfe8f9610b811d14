namespace PartnerMesh.Promotions.Domain.Definitions;

/// <summary>
/// What a program manager writes: one promotion version. Immutable; every change is a new version.
/// The action decides the stacking class (<see cref="PromotionAction.StackingClass"/>).
/// </summary>
public sealed record PromotionDefinition
{
    public required string Name { get; init; }
    public string? Description { get; init; }

    /// <summary>Groups promotions whose budgets are shared (a "Black Friday" campaign).</summary>
    public string? CampaignId { get; init; }

    /// <summary>Lower runs first within its stacking class; ties are broken by promotion id.</summary>
    public int Priority { get; init; } = 100;

    public Exclusivity Exclusivity { get; init; } = Exclusivity.Stackable;

    /// <summary>The stacking classes this promotion may be combined with (Shopify's <c>combinesWith</c>); null: every class.
    /// Two promotions combine only when each allows the other's class.</summary>
    public CombinesWith? CombinesWith { get; init; }

    /// <summary>The currency of every fixed amount in this promotion; a promotion without one is percent-only.</summary>
    public string? Currency { get; init; }

    public Schedule? Schedule { get; init; }

    /// <summary>All must hold.</summary>
    public IReadOnlyList<Condition> Conditions { get; init; } = [];

    /// <summary>When set, the promotion applies only with one of <see cref="Codes"/> entered, or a code the coupons service
    /// vouches for as unlocking this promotion (coupon presence). With no codes of its own, only coupons' codes unlock it.</summary>
    public bool RequiresCode { get; init; }

    /// <summary>The promotion's own codes, the fallback until the coupons service validates codes.</summary>
    public IReadOnlyList<string> Codes { get; init; } = [];

    public required PromotionAction Action { get; init; }

    public IReadOnlyList<Budget> Budgets { get; init; } = [];

    /// <summary>How many orders one customer (guests by normalised email) may use it for; null for no limit.</summary>
    public int? PerCustomerLimit { get; init; }

    /// <summary>Share of visitors (sticky by customer or visitor id) who get it, 0–100.</summary>
    public int RolloutPercent { get; init; } = 100;
}

public enum Exclusivity
{
    /// <summary>Combines with every other promotion.</summary>
    Stackable = 0,

    /// <summary>Applies alone: when it applies, no other promotion does.</summary>
    Exclusive = 1,

    /// <summary>Applies, then no promotion after it (by class, then priority) is considered.</summary>
    StopAfterThis = 2,
}

/// <summary>Per stacking class, whether a promotion may be applied together with promotions of that class.</summary>
public sealed record CombinesWith(bool Item = true, bool Order = true, bool Shipping = true)
{
    public bool Allows(StackingClass stackingClass) => stackingClass switch
    {
        StackingClass.Item => Item,
        StackingClass.Order => Order,
        _ => Shipping,
    };
}

public enum StackingClass
{
    Item = 0,
    Order = 1,
    Shipping = 2,
}

/// <summary>
/// Project-wide stacking mode (docs/promotions.md, "Stacking modes"). The commercetools names and the Talon.One names are
/// both accepted and kept as set; each of the Talon.One names means the same as one of ours:
/// <list type="bullet">
/// <item><see cref="Stack"/> (Talon.One's <see cref="Stackable"/> and <see cref="ListOrder"/>): every applicable promotion
/// stacks; among exclusive promotions the first by priority applies alone.</item>
/// <item><see cref="BestDeal"/> (= <see cref="HighestDiscount"/>): at most one promotion per stacking class, the picks
/// together giving the shopper the largest total discount; among exclusive promotions the one that gives the most.</item>
/// <item><see cref="LowestDiscount"/>: per class the promotion that gives the least (a merchant who promises "one offer,
/// never the most generous two"); among exclusive promotions the one that gives the least.</item>
/// </list>
/// </summary>
public enum StackingMode
{
    Stack = 0,
    BestDeal = 1,
    LowestDiscount = 2,
    Stackable = 3,
    ListOrder = 4,
    HighestDiscount = 5,
}

public static class StackingModes
{
    /// <summary>Whether every applicable promotion stacks (stack, stackable, listOrder), rather than one per class.</summary>
    public static bool StacksAll(this StackingMode mode) => mode is StackingMode.Stack or StackingMode.Stackable or StackingMode.ListOrder;

    /// <summary>Whether the mode keeps the best deal for the shopper (bestDeal, highestDiscount).</summary>
    public static bool IsBestDeal(this StackingMode mode) => mode is StackingMode.BestDeal or StackingMode.HighestDiscount;
}

public sealed record Schedule(DateTimeOffset? StartsAt, DateTimeOffset? EndsAt)
{
    public bool Contains(DateTimeOffset at) => (StartsAt is null || at >= StartsAt) && (EndsAt is null || at < EndsAt);
}

public enum BudgetScope
{
    /// <summary>This promotion's own cap.</summary>
    Promotion = 0,

    /// <summary>Shared by every promotion of the same campaign id.</summary>
    Campaign = 1,

    /// <summary>This promotion, counted separately for each partner whose traffic uses it.</summary>
    Partner = 2,
}

public enum BudgetPeriod
{
    Lifetime = 0,
    Day = 1,
    Week = 2,
    Month = 3,
    Year = 4,
}

/// <summary>A cap on uses (orders) and/or discount spend in one period (UTC calendar periods, ISO weeks).</summary>
public sealed record Budget
{
    public BudgetScope Scope { get; init; } = BudgetScope.Promotion;
    public BudgetPeriod Period { get; init; } = BudgetPeriod.Lifetime;
    public int? MaxUses { get; init; }
    public decimal? MaxSpend { get; init; }
}
