using Microsoft.Net.Http.Headers;
using PartnerMesh.Attribution.Api.Common;

namespace PartnerMesh.Attribution.Api.Clicks;

/// <summary>What the redirect request tells about the shopper's visit, cleaned and truncated for storage.</summary>
public sealed record ClickDetails
{
    public const int MaxParameterLength = 256;
    public const int MaxReferrerLength = 2048;
    public const int MaxUserAgentLength = 512;
    public const int MaxVisitorIdLength = 32;

    public static readonly IReadOnlyList<string> UtmParameters = ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"];

    public string? UtmSource { get; init; }

    public string? UtmMedium { get; init; }

    public string? UtmCampaign { get; init; }

    public string? UtmTerm { get; init; }

    public string? UtmContent { get; init; }

    public string? Referrer { get; init; }

    public string? UserAgent { get; init; }

    public string? Gclid { get; init; }

    public string? Fbclid { get; init; }

    public string? Msclkid { get; init; }

    public string? Ttclid { get; init; }

    public string? LiFatId { get; init; }

    public string? Rdclid { get; init; }

    public string? Twclid { get; init; }

    /// <summary>The page the shopper lands on: set once the destination is known (or reported by a storefront).</summary>
    public string? LandingUrl { get; init; }

    /// <summary>The UTM parameters present on the request, in a fixed order, to pass through to the target.</summary>
    public IEnumerable<KeyValuePair<string, string>> Utm()
    {
        string?[] values = [UtmSource, UtmMedium, UtmCampaign, UtmTerm, UtmContent];
        for (var index = 0; index < UtmParameters.Count; index++)
        {
            if (values[index] is { } value)
            {
                yield return new(UtmParameters[index], value);
            }
        }
    }

    public static bool IsValidVisitorId(string visitorId) =>
        visitorId.Length is > 0 and <= MaxVisitorIdLength && visitorId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public static ClickDetails From(HttpRequest request) => new()
    {
        UtmSource = Query(request, "utm_source"),
        UtmMedium = Query(request, "utm_medium"),
        UtmCampaign = Query(request, "utm_campaign"),
        UtmTerm = Query(request, "utm_term"),
        UtmContent = Query(request, "utm_content"),
        Referrer = Text.Clean(request.Headers[HeaderNames.Referer].ToString(), MaxReferrerLength),
        UserAgent = Text.Clean(request.Headers[HeaderNames.UserAgent].ToString(), MaxUserAgentLength),
        Gclid = Query(request, "gclid"),
        Fbclid = Query(request, "fbclid"),
        Msclkid = Query(request, "msclkid"),
        Ttclid = Query(request, "ttclid"),
        LiFatId = Query(request, "li_fat_id"),
        Rdclid = Query(request, "rdclid"),
        Twclid = Query(request, "twclid"),
    };

    private static string? Query(HttpRequest request, string name) =>
        Text.Clean(request.Query[name].FirstOrDefault(value => !string.IsNullOrWhiteSpace(value)), MaxParameterLength);
}
