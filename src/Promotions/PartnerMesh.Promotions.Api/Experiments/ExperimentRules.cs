using System.Text.RegularExpressions;
using PartnerMesh.Promotions.Domain.Experiments;

namespace PartnerMesh.Promotions.Api.Experiments;

public static partial class ExperimentRules
{
    public const int MaxVariants = 10;

    public static Dictionary<string, string[]>? Validate(CreateExperimentRequest request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 200)
        {
            errors["name"] = ["A name has 1 to 200 characters."];
        }

        if (request.HoldoutPercent is < 0 or > 99)
        {
            errors["holdoutPercent"] = ["holdoutPercent is 0 to 99: some visitors must see a variant."];
        }

        if (request.PartnerId == Guid.Empty)
        {
            errors["partnerId"] = ["partnerId is a partner id or absent."];
        }

        var variants = request.Variants ?? [];
        if (variants.Count is < 2 or > MaxVariants)
        {
            errors["variants"] = [$"An experiment has 2 to {MaxVariants} variants."];
            return errors;
        }

        for (var index = 0; index < variants.Count; index++)
        {
            if (variants[index] is not { } variant)
            {
                errors[$"variants[{index}]"] = ["A variant is an object."];
                continue;
            }

            if (variant.Key is not { } key || !VariantKey().IsMatch(key) || key == ExperimentAssignment.Holdout)
            {
                errors[$"variants[{index}].key"] = ["A key is 1 to 64 lower-case letters, digits or '-', and not 'holdout'."];
            }

            if (variant.Weight is not (>= 1 and <= 100))
            {
                errors[$"variants[{index}].weight"] = ["A weight is 1 to 100 (percent of the visitors outside the holdout)."];
            }

            if (variant.PromotionId == Guid.Empty)
            {
                errors[$"variants[{index}].promotionId"] = ["promotionId is a promotion id, or absent for a control."];
            }
        }

        if (variants.Any(variant => variant is null))
        {
            return errors;
        }

        if (variants.All(variant => variant.Weight is >= 1 and <= 100) && variants.Sum(variant => variant.Weight!.Value) != 100)
        {
            errors["variants"] = [$"The weights add up to {variants.Sum(variant => variant.Weight!.Value)}; they must add up to 100."];
        }

        if (variants.Select(variant => variant.Key).Distinct(StringComparer.Ordinal).Count() != variants.Count)
        {
            errors["variants"] = ["Every variant needs its own key."];
        }

        var promotions = variants.Where(variant => variant.PromotionId is not null).Select(variant => variant.PromotionId).ToList();
        if (promotions.Distinct().Count() != promotions.Count || variants.Count(variant => variant.PromotionId is null) > 1)
        {
            errors["variants"] = ["Each promotion can be one variant only, and there is at most one control (a variant without a promotion)."];
        }
        else if (promotions.Count == 0)
        {
            errors["variants"] = ["At least one variant shows a promotion."];
        }

        return errors.Count == 0 ? null : errors;
    }

    [GeneratedRegex("^[a-z0-9-]{1,64}$")]
    private static partial Regex VariantKey();
}
