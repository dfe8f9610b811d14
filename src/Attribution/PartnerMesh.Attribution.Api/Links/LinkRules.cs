using System.ComponentModel.DataAnnotations;

namespace PartnerMesh.Attribution.Api.Links;

public sealed record CreateLinkRequest([Required] string? TargetUrl, string? Code);

/// <summary>
/// Replaces a link's target and state; <c>active</c> defaults to true. A link's code never changes (it is printed,
/// shared and cached as <c>/r/{code}</c>): <see cref="Code"/> may be omitted or repeat the link's code (so a link read
/// back can be sent as is); another code is a 400 — create a new link for it.
/// </summary>
public sealed record UpdateLinkRequest([Required] string? TargetUrl, bool? Active, string? Code = null);

public sealed record LinkResponse(
    Guid Id, Guid PartnerId, string Code, string TargetUrl, string TrackingPath, bool Active, DateTimeOffset CreatedAt)
{
    public static LinkResponse From(ReferralLink link) =>
        new(link.Id, link.PartnerId, link.Code, link.TargetUrl, LinkRules.TrackingPath(link.Code), link.Active, link.CreatedAt);
}

public static class LinkRules
{
    public const int MaxTargetUrlLength = 2048;

    public static string TrackingPath(string code) => $"/r/{code}";

    /// <summary>
    /// An absolute http(s) URL of printable ASCII only: it goes verbatim into a <c>Location</c> header, where anything
    /// else is invalid (non-ASCII must be percent-encoded by the caller).
    /// </summary>
    public static bool IsValidTargetUrl(string? url) =>
        url is { Length: > 0 and <= MaxTargetUrlLength }
        && url.All(character => character is > ' ' and < (char)0x7F)
        && Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && uri.Host.Length > 0
        && uri.UserInfo.Length == 0;

    public static Dictionary<string, string[]>? Validate(CreateLinkRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        AddTargetUrlError(request.TargetUrl, errors);
        if (request.Code is not null && !LinkCode.IsValid(request.Code))
        {
            errors["code"] = ["code must be 3-32 characters of a-z, 0-9 and '-', starting with a letter or digit."];
        }

        return errors.Count == 0 ? null : errors;
    }

    public static Dictionary<string, string[]>? Validate(UpdateLinkRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        AddTargetUrlError(request.TargetUrl, errors);
        return errors.Count == 0 ? null : errors;
    }

    private static void AddTargetUrlError(string? targetUrl, Dictionary<string, string[]> errors)
    {
        if (!IsValidTargetUrl(targetUrl))
        {
            errors["targetUrl"] = [$"targetUrl must be an absolute http or https URL of printable ASCII, at most {MaxTargetUrlLength} characters, without credentials."];
        }
    }
}
