namespace PartnerMesh.Coupons.Api.Checkout;

/// <summary>
/// Whether a redemption of a partner's code looks like a leak: the shopper came from a coupon site (the referrer's host
/// is one of <see cref="CouponsOptions.CouponSiteDomains"/> or a subdomain of one), or the order did not come from the
/// code's partner's traffic (the storefront's attributed partner is someone else, or nobody). Codes without a partner
/// never leak.
/// </summary>
public static class LeakDetector
{
    public const string NoPartnerClick = "no_partner_click";
    public const string CouponSiteReferrer = "coupon_site_referrer";

    public static string? Check(Guid? codePartner, Guid? trafficPartner, string? referrer, IReadOnlyCollection<string> couponSites)
    {
        if (codePartner is null)
        {
            return null;
        }

        if (referrer is not null && Uri.TryCreate(referrer.Trim(), UriKind.Absolute, out var uri) && uri.Host.Length > 0)
        {
            var host = uri.Host.TrimEnd('.').ToLowerInvariant();
            if (couponSites.Any(site => host == site || host.EndsWith("." + site, StringComparison.Ordinal)))
            {
                return CouponSiteReferrer;
            }
        }

        return trafficPartner == codePartner ? null : NoPartnerClick;
    }
}
