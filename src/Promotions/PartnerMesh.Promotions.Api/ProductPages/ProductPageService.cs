using PartnerMesh.Promotions.Api.Experiments;
using PartnerMesh.Promotions.Api.RuleSets;
using PartnerMesh.Promotions.Domain.ProductPages;

namespace PartnerMesh.Promotions.Api.ProductPages;

/// <summary>
/// Answers the storefront's "what to show on this product page" from the in-memory snapshot: no database read on the way
/// (but for a partner id this instance has not seen, checked once). Exposures are only queued, for the background writer.
/// </summary>
public sealed class ProductPageService(
    RuleSetProvider ruleSets, PartnerRegistry partners, ExposureRecorder exposures, TimeProvider timeProvider, PromotionsMetrics metrics)
{
    private static readonly TimeSpan RuleSetWait = TimeSpan.FromSeconds(10);

    /// <summary>Null when the partner is unknown (expects a request that passed <see cref="ProductPageRequestRules.Validate"/>).</summary>
    public async Task<ProductPageResponse?> ResolveAsync(ProductPageRequest request, CancellationToken cancellationToken)
    {
        var started = PromotionsMetrics.Timestamp();
        if (!ruleSets.IsLoaded)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(RuleSetWait);
            await ruleSets.WhenLoadedAsync(timeout.Token);
        }

        if (request.PartnerId is { } partnerId && !await partners.IsKnownAsync(partnerId, cancellationToken))
        {
            return null;
        }

        var now = timeProvider.GetUtcNow();
        var stickyId = request.VisitorId?.Trim() ?? request.CustomerId; // as evaluations: visitor first, so signing in changes nothing
        var visit = new ProductPageVisit(request.ProductId!, request.Categories ?? [], request.PartnerId, request.UtmSource, stickyId, request.At ?? now);
        var ruleSetVersion = ruleSets.Current.Version;
        var decision = ProductPageResolver.Resolve(ruleSets.Contents, visit);
        // A preview (an explicit time) shows nothing to a shopper: no exposure.
        if (decision.Exposures.Count > 0 && request.At is null)
        {
            exposures.Record(decision.Exposures, stickyId, request.PartnerId, now, ExposureSubject.ProductPageContent);
        }

        metrics.ProductPageAnswered(decision.Entry is not null, timeProvider.GetElapsedTime(started));
        return new ProductPageResponse(decision.Variant?.Content, decision.Entry?.Id, decision.Entry?.Version, decision.Variant?.Key,
            decision.MatchedOn, decision.Candidates, ruleSetVersion);
    }
}

public static class ProductPageRequestRules
{
    public const int MaxIdLength = 100;
    public const int MaxCategories = 100;

    public static Dictionary<string, string[]>? Validate(ProductPageRequest request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(request.ProductId) || request.ProductId.Length > MaxIdLength)
        {
            errors["productId"] = [$"A product id has 1 to {MaxIdLength} characters."];
        }

        if (request.Categories is { } categories
            && (categories.Count > MaxCategories || categories.Any(category => string.IsNullOrWhiteSpace(category) || category.Length > MaxIdLength)))
        {
            errors["categories"] = [$"At most {MaxCategories} categories of 1 to {MaxIdLength} characters."];
        }

        if (request.PartnerId == Guid.Empty)
        {
            errors["partnerId"] = ["partnerId is a partner id or absent."];
        }

        if (request.ClickId == Guid.Empty)
        {
            errors["clickId"] = ["clickId is a click id or absent."];
        }

        Check("utmSource", request.UtmSource, errors);
        Check("visitorId", request.VisitorId, errors);
        Check("customerId", request.CustomerId, errors);
        return errors.Count == 0 ? null : errors;
    }

    private static void Check(string name, string? value, Dictionary<string, string[]> errors)
    {
        if (value is not null && (string.IsNullOrWhiteSpace(value) || value.Length > MaxIdLength || value.Any(char.IsControl)))
        {
            errors[name] = [$"{name} has 1 to {MaxIdLength} printable characters, or is absent."];
        }
    }
}
