namespace PartnerMesh.Surveys.Api.Common;

/// <summary>
/// Campaign ids are lower-cased when taken in (showings, direct responses, email links) and in insights' filters, the
/// rule analytics applies to <c>utm_campaign</c> (docs/analytics.md): <c>Black-Friday</c> and <c>black-friday</c> are
/// one campaign in both services, so survey insights join analytics' campaign KPIs.
/// </summary>
public static class CampaignIds
{
    public static string? Fold(string? campaignId) => campaignId?.ToLowerInvariant();
}
