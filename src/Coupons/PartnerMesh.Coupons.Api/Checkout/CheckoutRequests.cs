using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using PartnerMesh.Coupons.Api.Common;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Coupons.Api.Checkout;

/// <summary>The shopper: a customer id when signed in, otherwise the guest's e-mail (per-customer limits).</summary>
public sealed record CustomerRef(string? Id, string? Email);

/// <summary><c>at</c>: when to judge the code's and its campaign's validity window (default: now), for a preview such as
/// promotions' evaluation with <c>at</c>; limits are always counted as they stand now. Validation reserves nothing.
/// <c>checkoutId</c> or <c>quoteId</c> (either name, as at reservation): the checkout the validation is for — that
/// checkout's own live reservation of the code (for the same customer) is not counted against the limits, so the shopper's
/// hold never refuses its own checkout (promotions sends the checkout's id with every checkout evaluation, and the id the
/// code was reserved with when it verifies an order). <c>orderId</c>: the order the validation is for — that order's own
/// redemption of the code (for the same customer) is not counted either, so an order redeemed before promotions verifies
/// it is not refused by its own use.</summary>
public sealed record ValidateCouponRequest(
    [Required] string? Code, CustomerRef? Customer, decimal? CartTotal, string? Currency, Guid? PartnerId, DateTimeOffset? At = null,
    string? CheckoutId = null, string? QuoteId = null, string? OrderId = null)
{
    /// <summary>The checkout the validation is for (computed, not part of the request body).</summary>
    [JsonIgnore]
    public string? Checkout => CheckoutId ?? QuoteId;
}

/// <summary><c>quoteId</c> or <c>checkoutId</c> (either name; both, when they differ, are a 400) makes the reservation
/// idempotent for that checkout and code.</summary>
public sealed record ReserveCouponRequest(
    [Required] string? Code, string? QuoteId, string? CheckoutId, CustomerRef? Customer, [Required] decimal? CartTotal, [Required] string? Currency, Guid? PartnerId, int? TtlSeconds)
{
    /// <summary>The checkout the reservation is for (computed, not part of the request body).</summary>
    [JsonIgnore]
    public string? Checkout => CheckoutId ?? QuoteId;
}

/// <summary><c>partnerId</c>: the partner the storefront attributed the order's traffic to (its click), if any;
/// <c>referrer</c>: where the shopper came from. Both feed leaked-code detection. <c>cartTotal</c>: the cart total the
/// minimum cart value is checked against, as at validation and reservation (the items subtotal before discounts, without
/// shipping); without it, the order total is.</summary>
public sealed record RedeemCouponRequest(
    [Required] string? Code, [Required] string? OrderId, Guid? ReservationId, CustomerRef? Customer, [Required] decimal? OrderTotal, [Required] string? Currency, Guid? PartnerId,
    string? Referrer = null, decimal? CartTotal = null);

/// <summary>
/// No amount is a full refund of what is left of the order; an amount is at most what is left. <c>refundId</c> makes any
/// refund idempotent; a partial refund sent again without one is counted again, and a full one refused (already refunded).
/// </summary>
public sealed record RefundRequest(string? RefundId, decimal? Amount);

public sealed record CouponValidationResponse(
    bool Valid, string Code, Guid? CampaignId, Guid? PromotionId, Guid? PartnerId, bool? Stackable, string? Reason, string? Detail);

public sealed record ReservationResponse(
    Guid ReservationId, string Code, Guid CampaignId, Guid PromotionId, Guid? PartnerId, string Status, DateTimeOffset ExpiresAt, string? CheckoutId)
{
    public static ReservationResponse From(CouponReservation reservation) => new(
        reservation.Id, reservation.Code, reservation.CampaignId, reservation.PromotionId, reservation.PartnerId, reservation.Status,
        reservation.ExpiresAt, reservation.CheckoutId);
}

public sealed record RedemptionResponse(
    Guid RedemptionId, string OrderId, string Code, Guid CampaignId, Guid PromotionId, Guid? PartnerId, Guid? ReservationId, string Status,
    decimal OrderTotal, string Currency, decimal RefundedAmount, DateTimeOffset RedeemedAt, DateTimeOffset? RestoredAt, string? LeakSuspected)
{
    public static RedemptionResponse From(CouponRedemption redemption) => new(
        redemption.Id, redemption.OrderId, redemption.Code, redemption.CampaignId, redemption.PromotionId, redemption.PartnerId,
        redemption.ReservationId, redemption.Status, DecimalScale.Normalize(redemption.OrderTotal), redemption.Currency, DecimalScale.Normalize(redemption.RefundedAmount),
        redemption.RedeemedAt, redemption.RestoredAt, redemption.LeakReason);
}

public sealed record OrderCouponsResponse(string OrderId, IReadOnlyList<RedemptionResponse> Redemptions);
