using System.ComponentModel.DataAnnotations;

namespace PartnerMesh.Attribution.Api.Programs;

/// <summary>
/// Commission for a category's order lines: under a percent plan a <see cref="Rate"/> of each line; under a fixed plan a
/// <see cref="FixedAmount"/> once per order that has a line of the category with a positive amount. Only the plan type's field is accepted.
/// </summary>
public sealed record CategoryTerms(decimal? Rate, decimal? FixedAmount);

/// <summary>A volume tier: from <see cref="MinConversions"/> attributed sales in the period, this rate (or fixed amount) applies.</summary>
public sealed record VolumeTier(int MinConversions, decimal? Rate, decimal? FixedAmount);

/// <summary>
/// A retention bonus for the partner who referred a customer: when the customer places its <see cref="OrderCount"/>th order,
/// or orders again at least <see cref="ActiveDays"/> days after its first conversion. Exactly one of the two is set.
/// </summary>
public sealed record RetentionMilestone(int? OrderCount, int? ActiveDays, decimal Bonus);

/// <summary>
/// How a program pays: <c>percent</c> (<see cref="Rate"/> of the sale) or <c>fixed</c> (<see cref="FixedAmount"/> per sale, in
/// the program currency); optional per-category terms, per-lead and per-click amounts, volume tiers and retention milestones.
/// </summary>
public sealed record CommissionPlan
{
    public const string Percent = "percent";
    public const string Fixed = "fixed";

    public string Type { get; init; } = Percent;

    public decimal? Rate { get; init; }

    public decimal? FixedAmount { get; init; }

    public IReadOnlyDictionary<string, CategoryTerms>? Categories { get; init; }

    public decimal? PerLead { get; init; }

    public decimal? PerClick { get; init; }

    /// <summary>At most <see cref="ProgramRules.MaxTiers"/> (<c>maxItems</c> in the OpenAPI document).</summary>
    [MaxLength(ProgramRules.MaxTiers)]
    public IReadOnlyList<VolumeTier>? Tiers { get; init; }

    /// <summary>At most <see cref="ProgramRules.MaxMilestones"/> (<c>maxItems</c> in the OpenAPI document).</summary>
    [MaxLength(ProgramRules.MaxMilestones)]
    public IReadOnlyList<RetentionMilestone>? Milestones { get; init; }

    public static CommissionPlan FlatRate(decimal rate) => new() { Type = Percent, Rate = rate };
}
