using System.Text.Json.Serialization;

namespace PartnerMesh.Promotions.Domain.Definitions;

/// <summary>Which cart lines a condition or action is about: any listed product, category or collection matches.
/// An empty filter matches every line.</summary>
public sealed record ItemFilter
{
    public IReadOnlyList<string> ProductIds { get; init; } = [];
    public IReadOnlyList<string> Categories { get; init; } = [];
    public IReadOnlyList<string> Collections { get; init; } = [];

    public static readonly ItemFilter All = new();

    [JsonIgnore]
    public bool IsEmpty => ProductIds.Count == 0 && Categories.Count == 0 && Collections.Count == 0;
}
