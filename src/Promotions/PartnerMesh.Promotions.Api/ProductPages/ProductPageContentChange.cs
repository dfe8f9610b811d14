using PartnerMesh.Promotions.Api.Definitions;

namespace PartnerMesh.Promotions.Api.ProductPages;

/// <summary>
/// One change to a product-page content entry — created, edited, published (or rolled back), paused, resumed, ended — with
/// the state before and after, the version it concerns, who, when and why. Appended in the transaction of the change and
/// never updated, as a promotion's <see cref="PromotionChange"/>: versions keep what the content said, the history keeps
/// what was done with it.
/// </summary>
public sealed class ProductPageContentChange
{
    /// <summary>Version 7: the history reads in time order.</summary>
    public required Guid Id { get; init; }

    public required Guid ContentId { get; init; }
    public required PromotionChangeAction Action { get; init; }

    /// <summary>Null when the entry was created.</summary>
    public PromotionState? FromState { get; init; }

    public required PromotionState ToState { get; init; }

    /// <summary>The version the change made (an edit) or acted on (the live one, else the latest).</summary>
    public required int Version { get; init; }

    public required string ChangedBy { get; init; }
    public required DateTimeOffset ChangedAt { get; init; }
    public string? Reason { get; init; }

    /// <summary>The rule-set version the change went live with; null when it did not touch what is live (a draft edit).</summary>
    public long? RuleSetVersion { get; init; }
}
