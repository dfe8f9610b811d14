using System.Globalization;

namespace PartnerMesh.Coupons.Api.Checkout;

/// <summary>
/// Whether a redemption of a partner's code looks like a leak: the shopper came from a coupon site (the referrer's host
/// is one of <see cref="CouponsOptions.CouponSiteDomains"/> or a subdomain of one), or the order did not come from the
/// code's partner's traffic (the storefront's attributed partner is someone else, or nobody). Codes without a partner
/// never leak. The referrer may be an absolute URL, a bare host or a scheme-relative URL (<see cref="ReferrerHost"/>); hosts
/// on both sides are compared in one form (<see cref="NormalizeHost"/>).
/// </summary>
public static class LeakDetector
{
    public const string NoPartnerClick = "no_partner_click";
    public const string CouponSiteReferrer = "coupon_site_referrer";

    private static readonly IdnMapping Idn = new();

    public static string? Check(Guid? codePartner, Guid? trafficPartner, string? referrer, IReadOnlyCollection<string> couponSites)
    {
        if (codePartner is null)
        {
            return null;
        }

        if (referrer is not null && NormalizeHost(ReferrerHost(referrer)) is { } host
            && couponSites.Select(NormalizeHost).Any(site => site is not null && (host == site || host.EndsWith("." + site, StringComparison.Ordinal))))
        {
            return CouponSiteReferrer;
        }

        return trafficPartner == codePartner ? null : NoPartnerClick;
    }

    /// <summary>
    /// The host a referrer names: an absolute URL's, or — for a referrer sent without a scheme — a bare host
    /// (<c>retailmenot.com</c>, <c>retailmenot.com/view/shop</c>) or a scheme-relative one (<c>//retailmenot.com/view</c>),
    /// which a browser would send to the same host. Null when it names none.
    /// </summary>
    private static string? ReferrerHost(string referrer)
    {
        var trimmed = referrer.Trim();
        if (Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) && uri.IdnHost is { Length: > 0 } host)
        {
            return host;
        }

        var withScheme = trimmed.StartsWith("//", StringComparison.Ordinal) ? "https:" + trimmed : "https://" + trimmed;
        return !trimmed.Contains("://", StringComparison.Ordinal) && Uri.TryCreate(withScheme, UriKind.Absolute, out var bare)
            && bare.IdnHost is { Length: > 0 } bareHost ? bareHost : null;
    }

    /// <summary>
    /// A host as matched: its ASCII (punycode) form, so a full-width <c>ｒｅｔａｉｌｍｅｎｏｔ.com</c> is <c>retailmenot.com</c>;
    /// lower-case; without the trailing dot of a fully qualified name (<c>honey.com.</c>) and without a leading
    /// <c>www.</c> (so a configured <c>www.example.com</c> also matches <c>example.com</c>; a referrer's <c>www.</c> is a
    /// subdomain and matched anyway). Null when nothing is left or it is no host name.
    /// </summary>
    public static string? NormalizeHost(string? host)
    {
        var trimmed = host?.Trim().Trim('.');
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }

        try
        {
            trimmed = Idn.GetAscii(trimmed).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return null;
        }

        return trimmed.StartsWith("www.", StringComparison.Ordinal) && trimmed.Length > 4 ? trimmed[4..] : trimmed;
    }
}
