namespace PartnerMesh.Attribution.Api.Clicks;

public static class TrackingCookies
{
    public const string VisitorId = "pm_vid";
    public const string ClickId = "pm_click";

    /// <summary>The query parameter that carries the click id to the storefront.</summary>
    public const string ClickIdParameter = "pm_click";

    public static readonly TimeSpan VisitorIdLifetime = TimeSpan.FromDays(365);
    public static readonly TimeSpan ClickIdLifetime = TimeSpan.FromDays(30);

    /// <summary>The visitor id from the request cookie, when it is one we could have issued.</summary>
    public static string? ReadVisitorId(HttpRequest request) =>
        request.Cookies[VisitorId] is { } value && Guid.TryParseExact(value, "N", out _) ? value : null;

    public static void Append(HttpResponse response, string name, string value, TimeSpan lifetime, bool secure) =>
        response.Cookies.Append(name, value, new CookieOptions
        {
            MaxAge = lifetime,
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = secure,
            Path = "/",
            IsEssential = true,
        });
}
