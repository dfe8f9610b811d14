using System.Collections.Frozen;
using PartnerMesh.Contracts.Codes;
using PartnerMesh.Promotions.Domain.Definitions;

namespace PartnerMesh.Promotions.Domain.Evaluation;

/// <summary>A live promotion version prepared for evaluation: sets instead of lists, codes normalised.</summary>
public sealed class CompiledPromotion
{
    public CompiledPromotion(Guid id, int version, PromotionDefinition definition)
    {
        Id = id;
        Version = version;
        Definition = definition;
        StackingClass = definition.Action.StackingClass;
        Codes = definition.Codes.Select(PromotionCodes.Normalize).ToFrozenSet(StringComparer.Ordinal);
        Conditions = [.. definition.Conditions.Select(CompiledCondition.From)];
        PartnerIds = definition.Conditions.OfType<PartnerCondition>().SelectMany(condition => condition.PartnerIds).ToFrozenSet();
        SortKey = (StackingClass, definition.Priority, id);
        (ActionFilter, GetFilter) = definition.Action switch
        {
            PercentOffItems action => (Compile(action.Filter), null),
            FixedOffItems action => (Compile(action.Filter), null),
            FixedPrice action => (Compile(action.Filter), null),
            BuyXGetY action => (Compile(action.BuyFilter), Compile(action.GetFilter ?? action.BuyFilter)),
            _ => (CompiledFilter.All, (CompiledFilter?)null),
        };
    }

    private static CompiledFilter Compile(ItemFilter? filter) => filter is null or { IsEmpty: true } ? CompiledFilter.All : new CompiledFilter(filter);

    public Guid Id { get; }
    public int Version { get; }
    public PromotionDefinition Definition { get; }
    public string Name => Definition.Name;
    public StackingClass StackingClass { get; }
    public FrozenSet<string> Codes { get; }
    public IReadOnlyList<CompiledCondition> Conditions { get; }
    public FrozenSet<Guid> PartnerIds { get; }

    /// <summary>Whether its staged rollout includes this shopper (sticky: the same at every touchpoint, and at the order).</summary>
    public bool IsInRollout(EvaluationContext context) => Eligibility.IsInRollout(this, context);

    /// <summary>The lines an item action discounts (for buy-X-get-Y: the lines that count as bought).</summary>
    internal CompiledFilter ActionFilter { get; }

    /// <summary>Buy-X-get-Y only: the lines that can be given.</summary>
    internal CompiledFilter? GetFilter { get; }
    internal (StackingClass Class, int Priority, Guid Id) SortKey { get; }

    /// <summary>The filter that decides which carts can possibly interest this promotion (the index key), if any.</summary>
    internal ItemFilter? IndexFilter =>
        Definition.Conditions.OfType<ItemsCondition>().FirstOrDefault(condition => !condition.Filter.IsEmpty)?.Filter
        ?? Definition.Action switch
        {
            PercentOffItems { Filter: { IsEmpty: false } filter } => filter,
            FixedOffItems { Filter: { IsEmpty: false } filter } => filter,
            FixedPrice { Filter: { IsEmpty: false } filter } => filter,
            BuyXGetY { BuyFilter: { IsEmpty: false } filter } => filter,
            _ => null,
        };

    internal static readonly IComparer<CompiledPromotion> Order = Comparer<CompiledPromotion>.Create(
        (left, right) => left.SortKey.CompareTo(right.SortKey));
}

/// <summary>
/// Codes compare exactly as the coupons service compares them (<see cref="CouponCodeFormat"/>: trimmed, Unicode NFKC,
/// ASCII letters, digits, '-' and '_', upper-cased): "summer10 " and full-width "ｓｕｍｍｅｒ１０" are SUMMER10. A string that
/// cannot be a code (a look-alike letter such as a dotless ı or a Cyrillic І, a space or a zero-width character inside) is
/// never folded into one: it matches no code.
/// </summary>
public static class PromotionCodes
{
    /// <summary>The code <paramref name="entered"/> spells; a string that cannot be a code stays as entered (trimmed), so it
    /// still shows once in an evaluation's answer, and matches nothing (every code a promotion or coupons holds is a code).</summary>
    public static string Normalize(string entered) => TryNormalize(entered, out var code) ? code : entered.Trim();

    /// <summary>Whether <paramref name="entered"/> can be a code at all (false: coupons cannot know it either).</summary>
    public static bool TryNormalize(string? entered, out string code) => CouponCodeFormat.TryNormalize(entered?.Trim(), out code);
}
