namespace PartnerMesh.Analytics.Api.Ingestion;

/// <summary>
/// The one normalisation of a dimension value (<c>utmCampaign</c>, <c>utmSource</c>, <c>utmMedium</c>, <c>touchpoint</c>),
/// wherever analytics takes one in (storefront events, the bus, a KPI filter): trimmed and lower-cased, so
/// <c>Black-Friday</c>, <c>black-friday</c> and <c>" black-friday "</c> are one campaign, as a campaign's code is.
/// </summary>
public static class DimensionValues
{
    public static string? Normalize(string? value) => value?.Trim().ToLowerInvariant();

    /// <summary>
    /// A value as an event brings it (from the storefront or the bus): normalised, and a blank one is none, so the event
    /// counts as without it (no campaign, traffic source <c>direct</c>, its own touchpoint) rather than under <c>""</c>.
    /// </summary>
    public static string? TakeIn(string? value) => string.IsNullOrWhiteSpace(value) ? null : Normalize(value);
}
