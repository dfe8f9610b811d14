using System.Text.Json;
using PartnerMesh.Promotions.Api.Common;
using PartnerMesh.Promotions.Api.Definitions;
using PartnerMesh.Promotions.Domain.ProductPages;

namespace PartnerMesh.Promotions.Api.ProductPages;

/// <summary>
/// A product-page content entry and where its lifecycle stands (draft → published, scheduled by its schedule → paused →
/// ended, as promotions); its definitions are the immutable <see cref="ProductPageContentVersion"/>s.
/// </summary>
public sealed class ProductPageContentEntry
{
    public required Guid Id { get; init; }
    public required string Name { get; set; }
    public PromotionState State { get; set; }

    /// <summary>The version the storefront is answered with; null until first published.</summary>
    public int? LiveVersion { get; set; }

    public int LatestVersion { get; set; }

    /// <summary>The latest version's target partner, for listing a partner's entries.</summary>
    public Guid? PartnerId { get; set; }

    public string? IdempotencyKey { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required string CreatedBy { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One immutable version of an entry: its definition as JSON and who changed it, when and why.</summary>
public sealed class ProductPageContentVersion
{
    public required Guid ContentId { get; init; }
    public required int Version { get; init; }
    public required string Definition { get; init; }
    public required string ChangedBy { get; init; }
    public required DateTimeOffset ChangedAt { get; init; }
    public string? Reason { get; init; }
}

/// <summary>Stored definitions are the API's JSON, so a version reads back exactly as it was written.</summary>
public static class ContentDefinitions
{
    public static string Write(ContentDefinition definition) => JsonSerializer.Serialize(definition, PromotionJson.Options);

    public static ContentDefinition Read(string json) =>
        JsonSerializer.Deserialize<ContentDefinition>(json, PromotionJson.Options)
        ?? throw new JsonException("A stored content definition is null.");
}
