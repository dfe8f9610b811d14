namespace PartnerMesh.Surveys.Api.Common;

/// <summary>
/// The one normalisation of a context dimension surveys store and publish (the campaign id and the traffic source) and of
/// insights' campaign and touchpoint filters: trimmed (<see cref="string.Trim()"/>: every Unicode white space) and
/// lower-cased, the rule analytics applies to <c>utm_campaign</c>, <c>utm_source</c> and the touchpoint
/// (docs/analytics.md) and promotions to campaign ids: <c>Black-Friday</c>, <c>black-friday</c> and <c>" black-friday\t"</c>
/// are one campaign in every service, so survey insights join analytics' campaign KPIs.
/// </summary>
public static class DimensionValues
{
    public static string? Normalize(string? value) => value?.Trim().ToLowerInvariant();
}
