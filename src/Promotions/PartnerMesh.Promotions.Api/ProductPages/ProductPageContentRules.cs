using System.Text.RegularExpressions;
using PartnerMesh.Promotions.Domain.Experiments;
using PartnerMesh.Promotions.Domain.ProductPages;

namespace PartnerMesh.Promotions.Api.ProductPages;

/// <summary>
/// Refuses content that cannot be served as defined, every problem keyed by JSON path in one validation problem. Text is
/// limited in size, never in characters: HTML in a banner is data to the storefront, stored and returned as sent.
/// </summary>
public static partial class ProductPageContentRules
{
    public const int MaxBannerLength = 500;
    public const int MaxBundleProducts = 20;
    public const int MaxTestimonials = 20;
    public const int MaxReviews = 50;
    public const int MaxTargetProducts = 1_000;
    public const int MaxTargetCategories = 100;
    public const int MaxIdLength = 100;
    public const int MaxVariants = 10;
    public const int MaxReasonLength = 500;

    public static Dictionary<string, string[]>? Validate(SaveContentRequest request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request.Reason is { Length: > MaxReasonLength })
        {
            errors["reason"] = [$"At most {MaxReasonLength} characters."];
        }

        if (request.Definition is not { } definition)
        {
            errors["definition"] = ["A definition is required."];
            return errors;
        }

        if (string.IsNullOrWhiteSpace(definition.Name) || definition.Name.Length > 200)
        {
            errors["definition.name"] = ["A name has 1 to 200 characters."];
        }

        if (definition.Priority is < 0 or > 1_000_000)
        {
            errors["definition.priority"] = ["priority is 0 to 1,000,000 (lower runs first among equally specific entries)."];
        }

        if (definition.RolloutPercent is < 0 or > 100)
        {
            errors["definition.rolloutPercent"] = ["rolloutPercent is 0 to 100."];
        }

        if (definition.HoldoutPercent is < 0 or > 99)
        {
            errors["definition.holdoutPercent"] = ["holdoutPercent is 0 to 99: some visitors must see a variant."];
        }

        if (definition.Schedule is { } schedule
            && (schedule is { StartsAt: null, EndsAt: null } || (schedule.StartsAt is { } starts && schedule.EndsAt is { } ends && ends <= starts)))
        {
            errors["definition.schedule"] = ["A schedule has startsAt, endsAt or both, and ends after it starts."];
        }

        ValidateTarget(definition.Target, errors);
        ValidateVariants(definition.Variants, errors);
        return errors.Count == 0 ? null : errors;
    }

    private static void ValidateTarget(ContentTarget? target, Dictionary<string, string[]> errors)
    {
        if (target is null)
        {
            errors["definition.target"] = ["Omit target (or send {}) for the default entry."];
            return;
        }

        if (target.PartnerId == Guid.Empty)
        {
            errors["definition.target.partnerId"] = ["partnerId is a partner id or absent."];
        }

        if (target.UtmSource is { } source && (string.IsNullOrWhiteSpace(source) || source.Length > MaxIdLength || source.Any(char.IsControl)))
        {
            errors["definition.target.utmSource"] = [$"A UTM source has 1 to {MaxIdLength} printable characters."];
        }

        CheckIds("definition.target.productIds", target.ProductIds, MaxTargetProducts, errors);
        CheckIds("definition.target.categories", target.Categories, MaxTargetCategories, errors);
    }

    private static void ValidateVariants(IReadOnlyList<ContentVariant>? variants, Dictionary<string, string[]> errors)
    {
        if (variants is null || variants.Count is < 1 or > MaxVariants)
        {
            errors["definition.variants"] = [$"An entry has 1 to {MaxVariants} variants (one shows to everyone rolled out; more are an A/B test)."];
            return;
        }

        for (var index = 0; index < variants.Count; index++)
        {
            var path = $"definition.variants[{index}]";
            if (variants[index] is not { } variant)
            {
                errors[path] = ["A variant is an object."];
                continue;
            }

            if (variant.Key is not { } key || !VariantKey().IsMatch(key) || key == ExperimentAssignment.Holdout)
            {
                errors[$"{path}.key"] = ["A key is 1 to 64 lower-case letters, digits or '-', and not 'holdout'."];
            }

            if (variant.Weight is < 1 or > 100)
            {
                errors[$"{path}.weight"] = ["A weight is 1 to 100 (percent of the visitors outside the holdout)."];
            }

            if (variant.Content is not { } content)
            {
                errors[$"{path}.content"] = ["content is required ({} for a control that shows nothing)."];
                continue;
            }

            if (content.BannerMessage is { } banner && (banner.Length is 0 or > MaxBannerLength || banner.Any(c => char.IsControl(c) && c is not '\n')))
            {
                errors[$"{path}.content.bannerMessage"] = [$"A banner message has 1 to {MaxBannerLength} characters (no control characters but line breaks)."];
            }

            CheckIds($"{path}.content.highlightedBundle", content.HighlightedBundle, MaxBundleProducts, errors);
            CheckIds($"{path}.content.testimonialIds", content.TestimonialIds, MaxTestimonials, errors);
            CheckIds($"{path}.content.reviewIds", content.ReviewIds, MaxReviews, errors);
        }

        if (variants.All(variant => variant?.Weight is >= 1 and <= 100) && variants.Sum(variant => variant.Weight) is var sum && sum != 100)
        {
            errors["definition.variants"] = [$"The weights add up to {sum}; they must add up to 100."];
        }
        else if (variants.Where(variant => variant is not null).Select(variant => variant.Key).Distinct(StringComparer.Ordinal).Count() != variants.Count)
        {
            errors["definition.variants"] = ["Every variant needs its own key."];
        }
    }

    private static void CheckIds(string path, IReadOnlyList<string>? ids, int max, Dictionary<string, string[]> errors)
    {
        if (ids is null)
        {
            return;
        }

        if (ids.Count > max)
        {
            errors[path] = [$"At most {max} ids ({ids.Count} sent)."];
        }
        else if (ids.Any(id => string.IsNullOrWhiteSpace(id) || id.Length > MaxIdLength || id.Any(char.IsControl)))
        {
            errors[path] = [$"Ids have 1 to {MaxIdLength} printable characters."];
        }
        else if (ids.Distinct(StringComparer.Ordinal).Count() != ids.Count)
        {
            errors[path] = ["Ids are listed once."];
        }
    }

    [GeneratedRegex("^[a-z0-9-]{1,64}$")]
    private static partial Regex VariantKey();
}
