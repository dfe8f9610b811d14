namespace PartnerMesh.PartnerPortal.Api.Attribution;

/// <summary>A page of one of attribution's lists; <see cref="NextCursor"/> is passed back as <c>after</c>.</summary>
public sealed record AttributionPage<T>(IReadOnlyList<T> Items, string? NextCursor);
