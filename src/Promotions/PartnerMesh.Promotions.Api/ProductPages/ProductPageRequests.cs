using System.ComponentModel.DataAnnotations;
using PartnerMesh.Promotions.Api.Definitions;
using PartnerMesh.Promotions.Api.Experiments;
using PartnerMesh.Promotions.Domain.ProductPages;

namespace PartnerMesh.Promotions.Api.ProductPages;

/// <summary>Create or edit a content entry: the definition and, for the history, why.</summary>
public sealed record SaveContentRequest([Required] ContentDefinition? Definition, string? Reason = null);

/// <summary>Publish the latest version, or <see cref="Version"/> (an earlier one: a rollback), and why.</summary>
public sealed record PublishContentRequest(int? Version = null, string? Reason = null);

public sealed record ContentChangeRequest(string? Reason = null);

public sealed record ContentResponse(
    Guid Id,
    string Name,
    string Status,
    int? LiveVersion,
    int LatestVersion,
    bool HasUnpublishedChanges,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset UpdatedAt,
    ContentDefinition Definition);

public sealed record ContentVersionResponse(
    Guid ContentId, int Version, bool IsLive, string ChangedBy, DateTimeOffset ChangedAt, string? Reason, ContentDefinition Definition);

/// <summary>One entry of an entry's history: what was done (created, edited, published, rolledBack, paused, resumed, ended), the
/// state before and after, the version concerned, who, when and why.</summary>
public sealed record ContentChangeResponse(
    Guid Id, Guid ContentId, PromotionChangeAction Action, PromotionState? FromState, PromotionState ToState, int Version, string ChangedBy,
    DateTimeOffset ChangedAt, string? Reason, long? RuleSetVersion)
{
    public static ContentChangeResponse From(ProductPageContentChange change) =>
        new(change.Id, change.ContentId, change.Action, change.FromState, change.ToState, change.Version, change.ChangedBy, change.ChangedAt,
            change.Reason, change.RuleSetVersion);
}

/// <summary>Results per variant against the <c>baseline</c> (the holdout when there is one, else the first variant), as an
/// experiment's: exposures are visitors shown the variant (or held out), orders and conversions come from order verification.</summary>
public sealed record ContentResults(Guid ContentId, string Status, int? LiveVersion, string Baseline, string Method, IReadOnlyList<VariantResult> Variants);

/// <summary>
/// A product-page visit: the product (and its categories, which the storefront knows) and the traffic context. Assignment
/// is sticky per <c>customerId</c>, else <c>visitorId</c>.
/// </summary>
public sealed record ProductPageRequest
{
    [Required]
    public string? ProductId { get; init; }

    public IReadOnlyList<string>? Categories { get; init; }
    public Guid? PartnerId { get; init; }
    public string? UtmSource { get; init; }
    public Guid? ClickId { get; init; }
    public string? VisitorId { get; init; }
    public string? CustomerId { get; init; }

    /// <summary>When to answer for (default: now), e.g. to preview a scheduled entry.</summary>
    public DateTimeOffset? At { get; init; }
}

/// <summary>
/// What to show (null: nothing matched — show the page's own defaults), from which entry, version and variant, what it
/// matched on, and the other matching entries with why they were not shown.
/// </summary>
public sealed record ProductPageResponse(
    PageContent? Content, Guid? EntryId, int? Version, string? Variant, IReadOnlyList<string> MatchedOn,
    IReadOnlyList<ContentCandidate> NotShown, long RuleSetVersion);
