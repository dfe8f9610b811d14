using System.ComponentModel.DataAnnotations;

namespace PartnerMesh.Coupons.Api;

public sealed class CouponsOptions
{
    public const string SectionName = "Coupons";

    /// <summary>How often held reservations past their expiry are given back.</summary>
    public TimeSpan ReservationSweepInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often due behaviour-triggered offers are looked for (an instance that schedules one looks at once).</summary>
    public TimeSpan OfferSchedulerInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a recovered cart is remembered (<see cref="Offers.RecoveredCart"/>), and so the age past which an
    /// abandonment is too old to act on: the longest offer delay (a week) plus a day's margin.</summary>
    public TimeSpan RecoveredCartRetention { get; set; } = TimeSpan.FromMinutes(Campaigns.CampaignRules.MaxOfferDelayMinutes) + TimeSpan.FromDays(1);

    /// <summary>How long a stored <c>Idempotency-Key</c> (<c>idempotency_keys</c>) answers its retries; older keys are forgotten
    /// by <see cref="Common.IdempotencyKeySweeper"/>. Redemptions stay idempotent by order id regardless.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan IdempotencyKeyRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often keys past <see cref="IdempotencyKeyRetention"/> are deleted.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan IdempotencyKeySweepInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a validation may use a cached code definition (<see cref="Checkout.CodeDefinitionCache"/>): the bound
    /// on staleness if a code-change message is lost. Zero turns the cache off.</summary>
    public TimeSpan CodeCacheTtl { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Storefront calls that may use the database at once on an instance (<see cref="Checkout.CheckoutGate"/>); unset, half
    /// the connection pool's maximum size (50 of the default 100).</summary>
    [Range(1, 1_000)]
    public int? CheckoutConcurrency { get; set; }

    /// <summary>Storefront calls that may wait for <see cref="CheckoutConcurrency"/> on an instance; one more is answered 503
    /// with <c>Retry-After</c>.</summary>
    [Range(1, 1_000_000)]
    public int CheckoutQueueLimit { get; set; } = 10_000;

    /// <summary>Code definitions cached at most (the cache starts over when full).</summary>
    public int CodeCacheSize { get; set; } = 100_000;

    /// <summary>Coupon and deal sites: a partner code redeemed by a shopper referred from one of these (or a subdomain) is
    /// flagged as leaked. Lower-case host names.</summary>
    public IList<string> CouponSiteDomains { get; } =
    [
        "retailmenot.com", "couponfollow.com", "slickdeals.net", "coupons.com", "groupon.com", "dealspotr.com", "knoji.com",
        "wethrift.com", "couponbirds.com", "joinhoney.com", "offers.com", "savings.com", "vouchercodes.co.uk", "myvouchercodes.co.uk",
        "mydealz.de", "gutscheine.de", "dealabs.com", "ma-reduc.com",
    ];
}
