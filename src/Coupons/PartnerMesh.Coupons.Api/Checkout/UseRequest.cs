using PartnerMesh.Coupons.Api.Campaigns;
using PartnerMesh.Coupons.Api.Codes;
using PartnerMesh.Coupons.Api.Common;

namespace PartnerMesh.Coupons.Api.Checkout;

/// <summary>
/// A request that takes one use of a code (a reservation, or a redemption without one), checked and resolved by the
/// request (code, campaign, eligibility) and handed to a <see cref="UseLanes"/> lane to be applied in a group commit.
/// </summary>
public abstract record UseRequest(CouponCode Coupon, Campaign Campaign, IReadOnlyList<CounterClaim> Claims, DateTimeOffset Now)
{
    /// <summary>The request's <c>Idempotency-Key</c>, if it sent one: checked and recorded in the group commit.</summary>
    public IdempotencyClaim? Idempotency { get; init; }

    /// <summary>The code's partner's status when the request read the code (<see cref="CodeDefinition.PartnerStatus"/>).</summary>
    public string? PartnerStatus { get; init; }
}

/// <summary>Eligibility was checked when it was made; the group commit takes the uses and writes the reservation.</summary>
public sealed record ReserveUse(
    CouponCode Coupon, Campaign Campaign, IReadOnlyList<CounterClaim> Claims, DateTimeOffset Now,
    string? Checkout, CustomerIdentity Customer, Guid? Partner, Guid? TrafficPartner, decimal CartTotal, string Currency, int TtlSeconds)
    : UseRequest(Coupon, Campaign, Claims, Now);

/// <summary>
/// A redemption that takes its uses itself (no reservation, on a campaign that allows it). The group commit checks it
/// under the order lock: a replay of the order, the order's other codes (their facts, a cancelled or refunded order), one
/// code per order, then eligibility, then the counters.
/// </summary>
public sealed record RedeemUse(
    CouponCode Coupon, Campaign Campaign, IReadOnlyList<CounterClaim> Claims, DateTimeOffset Now,
    string OrderId, CustomerIdentity Customer, Guid? Partner, Guid? TrafficPartner, decimal OrderTotal, string Currency, string? Referrer, string? Leak)
    : UseRequest(Coupon, Campaign, Claims, Now)
{
    /// <summary>The cart total the storefront stated (the minimum cart value's base); null: the order total is.</summary>
    public decimal? CartTotal { get; init; }
}
