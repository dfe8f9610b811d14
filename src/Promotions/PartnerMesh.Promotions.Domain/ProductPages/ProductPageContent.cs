using PartnerMesh.Promotions.Domain.Definitions;

namespace PartnerMesh.Promotions.Domain.ProductPages;

/// <summary>
/// What a product page shows beside the price: a banner message, a highlighted bundle (product ids), testimonial and
/// review ids. Plain data: the storefront renders it (HTML in a banner is text here, stored and returned as it was sent).
/// </summary>
public sealed record PageContent(
    string? BannerMessage = null,
    IReadOnlyList<string>? HighlightedBundle = null,
    IReadOnlyList<string>? TestimonialIds = null,
    IReadOnlyList<string>? ReviewIds = null);

/// <summary>Who an entry is for: every criterion set must match (a partner, a traffic source, products or categories);
/// none set is the default entry.</summary>
public sealed record ContentTarget(
    Guid? PartnerId = null,
    string? UtmSource = null,
    IReadOnlyList<string>? ProductIds = null,
    IReadOnlyList<string>? Categories = null);

/// <summary>A content variant: its key, its share (percent) of the visitors outside the holdout, and what it shows.</summary>
public sealed record ContentVariant(string Key, int Weight, PageContent Content);

/// <summary>One version of a product-page content entry, as program managers define it.</summary>
public sealed record ContentDefinition
{
    public required string Name { get; init; }

    public ContentTarget Target { get; init; } = new();

    /// <summary>Among entries equally specific, the lower runs first; ties by entry id.</summary>
    public int Priority { get; init; } = 100;

    public Schedule? Schedule { get; init; }

    /// <summary>Share of visitors (0–100) the entry is rolled out to, sticky per customer (else visitor).</summary>
    public int RolloutPercent { get; init; } = 100;

    /// <summary>Share of the rolled-out visitors (0–99) held out of every variant, as the A/B test's baseline.</summary>
    public int HoldoutPercent { get; init; }

    public required IReadOnlyList<ContentVariant> Variants { get; init; }
}

/// <summary>The product page being visited and where the visitor came from.</summary>
public sealed record ProductPageVisit(
    string ProductId,
    IReadOnlyList<string> Categories,
    Guid? PartnerId,
    string? UtmSource,
    string? StickyId,
    DateTimeOffset At);

public static class ContentReasons
{
    public const string Shown = "shown";
    public const string OutsideSchedule = "outside_schedule";
    public const string NotInRollout = "not_in_rollout";
    public const string NoVisitorId = "no_visitor_id";
    public const string Holdout = "experiment_holdout";
    public const string LowerPrecedence = "lower_precedence";
}
