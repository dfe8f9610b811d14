using System.ComponentModel.DataAnnotations;
using PartnerMesh.Attribution.Api.Clicks;
using PartnerMesh.Attribution.Api.Common;
using PartnerMesh.Attribution.Api.Conversions;
using PartnerMesh.Attribution.Api.Links;

namespace PartnerMesh.Attribution.Api.Programs;

/// <summary>Create or replace a program's terms. Omitted fields take the defaults (last click, 30-day window, 30-day hold…).</summary>
public sealed record SaveProgramRequest(
    [Required] string? Name,
    [Required] string? Currency,
    string? AttributionModel,
    int? WindowDays,
    bool? CouponPrecedence,
    bool? CustomerCarriesCredit,
    int? DuplicateClickWindowSeconds,
    int? HoldDays,
    bool? NoPaidSearch,
    int? MinSecondsToConversion,
    int? ClickFloodThreshold,
    string? FallbackUrl,
    List<string>? AllowedHosts,
    decimal? Budget,
    decimal? PartnerBudget,
    CommissionPlan? Plan);

public sealed record ProgramResponse(
    Guid Id, string Name, string Currency, string AttributionModel, int WindowDays, bool CouponPrecedence, bool CustomerCarriesCredit,
    int DuplicateClickWindowSeconds, int HoldDays, bool NoPaidSearch, int MinSecondsToConversion, int ClickFloodThreshold,
    string? FallbackUrl, IReadOnlyList<string> AllowedHosts, decimal? Budget, decimal? PartnerBudget, int PlanVersion, CommissionPlan Plan,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static ProgramResponse From(PartnerProgram program) => new(
        program.Id, program.Name, program.Currency, program.AttributionModel, program.WindowDays, program.CouponPrecedence,
        program.CustomerCarriesCredit, program.DuplicateClickWindowSeconds, program.HoldDays, program.NoPaidSearch,
        program.MinSecondsToConversion, program.ClickFloodThreshold, program.FallbackUrl, program.AllowedHosts,
        program.Budget is { } budget ? Money.Round(budget, program.Currency) : null,
        program.PartnerBudget is { } partnerBudget ? Money.Round(partnerBudget, program.Currency) : null,
        program.PlanVersion, program.Plan, program.CreatedAt, program.UpdatedAt);
}

public sealed record PlanVersionResponse(int Version, CommissionPlan Plan, DateTimeOffset EffectiveFrom);

public sealed record CreateAgreementRequest([Required] string? Title, [Required] string? Body);

public sealed record AgreementResponse(Guid Id, Guid ProgramId, int Version, string Title, string Body, DateTimeOffset CreatedAt)
{
    public static AgreementResponse From(Agreement agreement) =>
        new(agreement.Id, agreement.ProgramId, agreement.Version, agreement.Title, agreement.Body, agreement.CreatedAt);
}

public sealed record AmbassadorProjectionRequest(
    [Required] long? Ambassadors, [Required] decimal? ShareRate, [Required] decimal? VisitsPerShare, [Required] decimal? RevenuePerVisit);

/// <param name="Sharers">Ambassadors × share rate, exactly: an expected count (1.5 for 3 × 50 %), the figure visits are computed from.</param>
public sealed record AmbassadorProjectionResponse(long Ambassadors, decimal ShareRate, decimal VisitsPerShare, decimal RevenuePerVisit, decimal Sharers, decimal Visits, decimal ProjectedValue);

public static class ProgramRules
{
    public const int MaxWindowDays = 90;
    public const int MaxHosts = 50;
    public const int MaxTiers = 20;
    public const int MaxMilestones = 20;
    public const decimal MaxRate = 1m;

    public static Dictionary<string, string[]>? Validate(SaveProgramRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200 || name.Any(char.IsControl))
        {
            errors["name"] = ["name is required: at most 200 characters, without control characters."];
        }

        if (!Money.IsCurrency(request.Currency))
        {
            errors["currency"] = [$"currency is required: {Money.CurrencyRule}."];
        }

        if (request.AttributionModel is { } model && !AttributionTerms.Models.Contains(model))
        {
            errors["attributionModel"] = [$"attributionModel must be one of: {string.Join(", ", AttributionTerms.Models)}."];
        }

        Range(errors, "windowDays", request.WindowDays, 1, MaxWindowDays);
        Range(errors, "duplicateClickWindowSeconds", request.DuplicateClickWindowSeconds, 0, 86_400);
        Range(errors, "holdDays", request.HoldDays, 0, 365);
        Range(errors, "minSecondsToConversion", request.MinSecondsToConversion, 0, 86_400);
        Range(errors, "clickFloodThreshold", request.ClickFloodThreshold, 2, 100_000);

        if (request.FallbackUrl is { } fallback && !LinkRules.IsValidTargetUrl(fallback))
        {
            errors["fallbackUrl"] = ["fallbackUrl must be an absolute http or https URL of printable ASCII."];
        }

        if (request.AllowedHosts is { } hosts && (hosts.Count > MaxHosts || !hosts.All(RedirectRules.IsValidHostEntry)))
        {
            errors["allowedHosts"] = [$"allowedHosts holds at most {MaxHosts} host names (example.com, or *.example.com for its subdomains)."];
        }
        else if (request.FallbackUrl is { } fallbackUrl && request.AllowedHosts is { Count: > 0 } allowed && !RedirectRules.IsAllowed(fallbackUrl, allowed))
        {
            errors["fallbackUrl"] = ["fallbackUrl must be on one of the allowed hosts."];
        }

        var currency = request.Currency ?? "EUR";
        MoneyField(errors, "budget", request.Budget, currency);
        MoneyField(errors, "partnerBudget", request.PartnerBudget, currency);
        if (request.Plan is { } plan)
        {
            ValidatePlan(plan, currency, errors);
        }

        return errors.Count == 0 ? null : errors;
    }

    public static void ValidatePlan(CommissionPlan plan, string currency, Dictionary<string, string[]> errors)
    {
        if (plan.Type is not (CommissionPlan.Percent or CommissionPlan.Fixed))
        {
            errors["plan.type"] = ["plan.type must be percent or fixed."];
        }

        if (plan.Type == CommissionPlan.Percent && plan.Rate is null)
        {
            errors["plan.rate"] = ["plan.rate is required for a percent plan (0.10 = 10 %)."];
        }

        if (plan.Type == CommissionPlan.Fixed && plan.FixedAmount is null)
        {
            errors["plan.fixedAmount"] = ["plan.fixedAmount is required for a fixed plan."];
        }

        Rate(errors, "plan.rate", plan.Rate);
        MoneyField(errors, "plan.fixedAmount", plan.FixedAmount, currency);
        MoneyField(errors, "plan.perLead", plan.PerLead, currency);
        MoneyField(errors, "plan.perClick", plan.PerClick, currency);

        if (plan.Categories is { } categories)
        {
            if (categories.Count > 200 || categories.Any(pair => string.IsNullOrWhiteSpace(pair.Key) || pair.Key.Length > 100 || pair.Value is null))
            {
                errors["plan.categories"] = ["plan.categories maps at most 200 category names (1-100 characters) to terms."];
            }
            else
            {
                foreach (var (category, terms) in categories)
                {
                    Rate(errors, $"plan.categories.{category}.rate", terms.Rate);
                    MoneyField(errors, $"plan.categories.{category}.fixedAmount", terms.FixedAmount, currency);
                    // Each plan type reads one of the two: the other would be stored and never paid.
                    if (plan.Type == CommissionPlan.Fixed && terms.Rate is not null)
                    {
                        errors[$"plan.categories.{category}.rate"] = [$"plan.categories.{category}.rate does not apply to a fixed plan: give the category a fixedAmount."];
                    }
                    else if (plan.Type == CommissionPlan.Percent && terms.FixedAmount is not null)
                    {
                        errors[$"plan.categories.{category}.fixedAmount"] = [$"plan.categories.{category}.fixedAmount does not apply to a percent plan: give the category a rate."];
                    }
                }
            }
        }

        if (plan.Tiers is { } tiers)
        {
            if (tiers.Count > MaxTiers || tiers.Any(tier => tier is null || tier.MinConversions < 1)
                || tiers.Where(tier => tier is not null).Select(tier => tier.MinConversions).Zip(tiers.Skip(1).Where(t => t is not null).Select(tier => tier.MinConversions)).Any(pair => pair.First >= pair.Second))
            {
                errors["plan.tiers"] = [$"plan.tiers is at most {MaxTiers} tiers with minConversions ≥ 1 and strictly increasing."];
            }
            else
            {
                for (var index = 0; index < tiers.Count; index++)
                {
                    Rate(errors, $"plan.tiers[{index}].rate", tiers[index].Rate);
                    MoneyField(errors, $"plan.tiers[{index}].fixedAmount", tiers[index].FixedAmount, currency);
                    // As for categories: a tier pays the plan type's term, so it must give that one and only that one
                    // (the other would be stored and never paid; without it the tier would pay the base terms).
                    if (plan.Type == CommissionPlan.Fixed && tiers[index].Rate is not null)
                    {
                        errors[$"plan.tiers[{index}].rate"] = [$"plan.tiers[{index}].rate does not apply to a fixed plan: give the tier a fixedAmount."];
                    }
                    else if (plan.Type == CommissionPlan.Percent && tiers[index].FixedAmount is not null)
                    {
                        errors[$"plan.tiers[{index}].fixedAmount"] = [$"plan.tiers[{index}].fixedAmount does not apply to a percent plan: give the tier a rate."];
                    }
                    else if (plan.Type == CommissionPlan.Fixed && tiers[index].FixedAmount is null)
                    {
                        errors[$"plan.tiers[{index}].fixedAmount"] = [$"plan.tiers[{index}].fixedAmount is required: a fixed plan's tier pays a fixedAmount."];
                    }
                    else if (plan.Type == CommissionPlan.Percent && tiers[index].Rate is null)
                    {
                        errors[$"plan.tiers[{index}].rate"] = [$"plan.tiers[{index}].rate is required: a percent plan's tier pays a rate."];
                    }
                }
            }
        }

        if (plan.Milestones is { } milestones)
        {
            if (milestones.Count > MaxMilestones)
            {
                errors["plan.milestones"] = [$"plan.milestones is at most {MaxMilestones} milestones ({milestones.Count} given)."];
            }
            else if (milestones.Any(milestone => milestone is null
                || (milestone.OrderCount is null) == (milestone.ActiveDays is null)
                || milestone.OrderCount is < 2 or > 1000 || milestone.ActiveDays is < 1 or > 3650
                || milestone.Bonus <= 0 || milestone.Bonus > Money.MaxAmount || !Money.FitsCurrency(milestone.Bonus, currency)))
            {
                errors["plan.milestones"] = ["plan.milestones: each has exactly one of orderCount (2-1000) or activeDays (1-3650), and a positive bonus in the program currency."];
            }
            else
            {
                // One bonus per milestone: a customer reaches a threshold once, and its ledger entry is keyed by it.
                var seen = new Dictionary<(int?, int?), int>();
                for (var index = 0; index < milestones.Count; index++)
                {
                    var (orderCount, activeDays) = (milestones[index].OrderCount, milestones[index].ActiveDays);
                    if (!seen.TryAdd((orderCount, activeDays), index))
                    {
                        var field = orderCount is not null ? "orderCount" : "activeDays";
                        errors[$"plan.milestones[{index}].{field}"] =
                            [$"plan.milestones[{index}].{field} ({orderCount ?? activeDays}) repeats plan.milestones[{seen[(orderCount, activeDays)]}]: each {field} at most once (one bonus per milestone)."];
                    }
                }
            }
        }
    }

    private static void Range(Dictionary<string, string[]> errors, string field, int? value, int min, int max)
    {
        if (value is { } number && (number < min || number > max))
        {
            errors[field] = [$"{field} must be between {min} and {max}."];
        }
    }

    private static void Rate(Dictionary<string, string[]> errors, string field, decimal? rate)
    {
        if (rate is { } value && (value < 0 || value > MaxRate || !Money.HasAtMostDecimals(value, 4)))
        {
            errors[field] = [$"{field} must be between 0 and 1 with at most 4 decimals (0.10 = 10 %)."];
        }
    }

    /// <summary>A money field in <paramref name="currency"/>: 0 to <see cref="Money.MaxAmount"/>, without digits below its minor unit.</summary>
    public static void MoneyField(Dictionary<string, string[]> errors, string field, decimal? amount, string currency)
    {
        if (amount is { } value && (value < 0 || value > Money.MaxAmount || !Money.FitsCurrency(value, currency)))
        {
            errors[field] = [$"{field} must be between 0 and {Money.MaxAmount:0}, with at most {Money.MinorUnits(currency)} decimals for {currency}."];
        }
    }
}
