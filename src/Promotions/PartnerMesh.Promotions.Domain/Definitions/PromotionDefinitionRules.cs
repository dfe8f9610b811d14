using PartnerMesh.Contracts.Codes;
using PartnerMesh.Promotions.Domain.Evaluation;
using PartnerMesh.Promotions.Domain.Money;

namespace PartnerMesh.Promotions.Domain.Definitions;

/// <summary>
/// Refuses definitions that cannot be evaluated unambiguously: contradictions, out-of-range numbers, amounts without a
/// currency, unordered tiers, members left out that have no default (every one is checked here, since a definition
/// that passes is stored and compiled as it is). Errors are keyed by JSON path, for a validation problem.
/// </summary>
public static class PromotionDefinitionRules
{
    public const int MaxCodes = 1_000;
    public const int MaxCodeLength = CouponCodeFormat.MaxLength;
    public const int MaxListItems = 1_000;

    public static Dictionary<string, string[]>? Validate(PromotionDefinition definition)
    {
        var errors = new ErrorList();
        if (string.IsNullOrWhiteSpace(definition.Name) || definition.Name.Length > 200)
        {
            errors.Add("name", "Give a name of 1 to 200 characters.");
        }

        if (definition.Description is { Length: > 2_000 })
        {
            errors.Add("description", "At most 2,000 characters.");
        }

        if (definition.CampaignId is { } campaign && (string.IsNullOrWhiteSpace(campaign) || campaign.Length > 100))
        {
            errors.Add("campaignId", "A campaign id has 1 to 100 characters.");
        }
        else if (definition.CampaignId is { } named && CampaignIds.HasUnprintable(named))
        {
            errors.Add("campaignId", "A campaign id has no control or invisible characters (line breaks, tabs, zero-width spaces).");
        }

        if (definition.Priority is < 0 or > 1_000_000)
        {
            errors.Add("priority", "Priority is between 0 (first) and 1,000,000.");
        }

        if (!Enum.IsDefined(definition.Exclusivity))
        {
            errors.Add("exclusivity", "Use stackable, exclusive or stopAfterThis.");
        }

        if (definition.Currency is { } currency && !Currencies.IsSupported(currency))
        {
            errors.Add("currency", $"'{currency}' is not a supported ISO 4217 currency code.");
        }

        if (definition.Schedule is { StartsAt: { } startsAt, EndsAt: { } endsAt } && endsAt <= startsAt)
        {
            errors.Add("schedule.endsAt", "The schedule must end after it starts.");
        }

        if (definition.RolloutPercent is < 0 or > 100)
        {
            errors.Add("rolloutPercent", "A rollout is 0 to 100 percent.");
        }

        if (definition.PerCustomerLimit is < 1)
        {
            errors.Add("perCustomerLimit", "At least 1 use per customer, or leave it out for no limit.");
        }

        ValidateCodes(definition, errors);
        var amounts = new AmountChecker(definition.Currency, errors);
        ValidateConditions(definition.Conditions, amounts, errors);
        if (definition.Action is null)
        {
            errors.Add("action", "A promotion needs an action.");
        }
        else
        {
            ActionRules.Validate(definition.Action, amounts, errors);
        }

        ValidateBudgets(definition, amounts, errors);
        return errors.ToDictionary();
    }

    private static void ValidateCodes(PromotionDefinition definition, ErrorList errors)
    {
        var codes = definition.Codes ?? [];
        if (!definition.RequiresCode && codes.Count > 0)
        {
            errors.Add("requiresCode", "Codes are listed but requiresCode is false: a code that unlocks nothing is a contradiction.");
        }

        if (codes.Count > MaxCodes)
        {
            errors.Add("codes", $"At most {MaxCodes:N0} codes per promotion; use the coupons service for bulk codes.");
        }

        // The coupons service's rule, so a promotion never owns a code no shopper can type (a look-alike letter) and a code
        // matches here exactly when it matches there.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var index = 0; index < codes.Count; index++)
        {
            if (!PromotionCodes.TryNormalize(codes[index], out var code))
            {
                errors.Add($"codes[{index}]", CouponCodeFormat.Rule);
            }
            else if (!seen.Add(code))
            {
                errors.Add($"codes[{index}]", $"'{code}' is listed twice (codes compare case-insensitively, after Unicode NFKC normalisation).");
            }
        }
    }

    private static void ValidateConditions(IReadOnlyList<Condition>? conditions, AmountChecker amounts, ErrorList errors)
    {
        conditions ??= [];
        if (conditions.Count > 50)
        {
            errors.Add("conditions", "At most 50 conditions.");
        }

        for (var index = 0; index < conditions.Count; index++)
        {
            var path = $"conditions[{index}]";
            switch (conditions[index])
            {
                case null:
                    errors.Add(path, "A condition cannot be null.");
                    break;
                case CartSubtotalCondition subtotal:
                    amounts.Check($"{path}.min", subtotal.Min, allowZero: false);
                    break;
                case ItemsCondition items:
                    if (items.Filter is null || items.Filter.IsEmpty)
                    {
                        errors.Add($"{path}.filter", "Name at least one product, category or collection.");
                    }
                    else
                    {
                        FilterRules.Validate($"{path}.filter", items.Filter, errors);
                    }

                    if (items.MinQuantity < 1)
                    {
                        errors.Add($"{path}.minQuantity", "At least 1.");
                    }

                    break;
                case CustomerSegmentCondition segment:
                    NonEmpty($"{path}.segments", segment.Segments, errors);
                    break;
                case PartnerCondition partner:
                    if (partner.PartnerIds is null || partner.PartnerIds.Count == 0 || partner.PartnerIds.Any(id => id == Guid.Empty))
                    {
                        errors.Add($"{path}.partnerIds", "Name at least one partner id (non-empty GUIDs).");
                    }

                    break;
                case TrafficSourceCondition source:
                    NonEmpty($"{path}.utmSources", source.UtmSources, errors);
                    break;
                case TouchpointCondition touchpoint:
                    if (touchpoint.Touchpoints is null || touchpoint.Touchpoints.Count == 0 || touchpoint.Touchpoints.Any(value => !Enum.IsDefined(value)))
                    {
                        errors.Add($"{path}.touchpoints", "Name at least one of productPage, cart, checkout.");
                    }

                    break;
                case TimeWindowCondition window:
                    if (window.TimeZone is null || !TimeZoneInfo.TryFindSystemTimeZoneById(window.TimeZone, out _))
                    {
                        errors.Add($"{path}.timeZone", $"'{window.TimeZone}' is not a known IANA time zone (e.g. Europe/Berlin).");
                    }

                    if (window.Days is null || window.Days.Count == 0 || window.Days.Any(day => !Enum.IsDefined(day)))
                    {
                        errors.Add($"{path}.days", "Name the days the window recurs on, at least one of monday … sunday.");
                    }

                    // Requests give HH:mm (ClockTimeConverter); a version stored with seconds before that rule fails here, so
                    // it cannot go live again as it is (rollback).
                    foreach (var (member, time) in new[] { ("from", window.From), ("to", window.To) })
                    {
                        if (time.Ticks % TimeSpan.TicksPerMinute != 0)
                        {
                            errors.Add($"{path}.{member}", "A time of day is HH:mm, without seconds.");
                        }
                    }

                    if (window.From == window.To && !window.IsWholeDay)
                    {
                        errors.Add($"{path}.to", "A time window cannot start and end at the same time; for the whole day leave from and to out (or 00:00 to 24:00).");
                    }

                    break;
            }
        }
    }

    private static void ValidateBudgets(PromotionDefinition definition, AmountChecker amounts, ErrorList errors)
    {
        var budgets = definition.Budgets ?? [];
        var seen = new HashSet<(BudgetScope, BudgetPeriod)>();
        for (var index = 0; index < budgets.Count; index++)
        {
            var path = $"budgets[{index}]";
            var budget = budgets[index];
            if (budget is null)
            {
                errors.Add(path, "A budget cannot be null.");
                continue;
            }

            if (!Enum.IsDefined(budget.Scope) || !Enum.IsDefined(budget.Period))
            {
                errors.Add(path, "Scope is promotion, campaign or partner; period is lifetime, day, week, month or year.");
                continue;
            }

            if (budget.MaxUses is null && budget.MaxSpend is null)
            {
                errors.Add(path, "Cap uses (maxUses), spend (maxSpend) or both.");
            }

            if (budget.MaxUses is < 1)
            {
                errors.Add($"{path}.maxUses", "At least 1.");
            }

            if (budget.MaxSpend is { } spend)
            {
                amounts.Check($"{path}.maxSpend", spend, allowZero: false);
            }

            if (budget.Scope == BudgetScope.Campaign && definition.CampaignId is null)
            {
                errors.Add($"{path}.scope", "A campaign budget needs the promotion's campaignId.");
            }

            if (!seen.Add((budget.Scope, budget.Period)))
            {
                errors.Add(path, $"A {budget.Scope.ToString().ToLowerInvariant()} budget per {budget.Period.ToString().ToLowerInvariant()} is already defined.");
            }
        }
    }

    internal static void NonEmpty(string path, IReadOnlyList<string>? values, ErrorList errors)
    {
        if (values is null || values.Count == 0 || values.Count > MaxListItems || values.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add(path, $"Name 1 to {MaxListItems:N0} non-empty values.");
        }
    }
}

internal sealed class ErrorList
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public void Add(string path, string message)
    {
        if (!_errors.TryGetValue(path, out var messages))
        {
            _errors[path] = messages = [];
        }

        messages.Add(message);
    }

    public Dictionary<string, string[]>? ToDictionary() =>
        _errors.Count == 0 ? null : _errors.ToDictionary(pair => pair.Key, pair => pair.Value.ToArray(), StringComparer.Ordinal);
}

/// <summary>
/// Fixed amounts need the promotion's currency and whole minor units of it; none may be negative or above
/// <see cref="Currencies.MaxAmount"/>, the cap on a cart's own amounts.
/// </summary>
internal sealed class AmountChecker(string? currency, ErrorList errors)
{
    public void Check(string path, decimal amount, bool allowZero)
    {
        if (amount < 0 || (!allowZero && amount == 0))
        {
            errors.Add(path, allowZero ? "Cannot be negative." : "Must be greater than zero.");
        }
        else if (amount > Currencies.MaxAmount)
        {
            errors.Add(path, $"At most {Currencies.MaxAmount:N0}.");
        }
        else if (currency is null)
        {
            errors.Add(path, "A fixed amount needs the promotion's currency.");
        }
        else if (Currencies.IsSupported(currency) && !Currencies.IsWholeMinorUnits(amount, currency))
        {
            errors.Add(path, $"{currency} amounts have at most {Currencies.MinorUnitsOf(currency)} decimals.");
        }
    }

    public static void CheckPercent(string path, decimal percent, ErrorList errors)
    {
        if (percent is <= 0 or > 100)
        {
            errors.Add(path, "A percentage is greater than 0 and at most 100.");
        }
    }
}

internal static class FilterRules
{
    public static void Validate(string path, ItemFilter filter, ErrorList errors)
    {
        foreach (var (name, values) in new[] { ("productIds", filter.ProductIds), ("categories", filter.Categories), ("collections", filter.Collections) })
        {
            if (values is null || values.Count > PromotionDefinitionRules.MaxListItems || values.Any(string.IsNullOrWhiteSpace))
            {
                errors.Add($"{path}.{name}", $"At most {PromotionDefinitionRules.MaxListItems:N0} non-empty values.");
            }
        }
    }
}
