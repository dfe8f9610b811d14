using System.Globalization;

namespace PartnerMesh.Promotions.Domain.Definitions;

/// <summary>
/// Campaign ids are trimmed and lower-cased when taken in, as analytics and surveys take them (<c>Black-Friday</c> and
/// <c>black-friday</c> are one campaign), so <c>Spring</c>, <c>spring</c> and <c>" Spring "</c> share one campaign budget.
/// </summary>
public static class CampaignIds
{
    public static string? Normalize(string? campaignId) => campaignId?.Trim().ToLowerInvariant();

    /// <summary>A control character (a line break, a tab) or an invisible one (a zero-width space, a direction mark) makes
    /// two ids that look alike different campaigns: refused.</summary>
    public static bool HasUnprintable(string campaignId) =>
        campaignId.Any(character => char.IsControl(character) || CharUnicodeInfo.GetUnicodeCategory(character) == UnicodeCategory.Format);
}
