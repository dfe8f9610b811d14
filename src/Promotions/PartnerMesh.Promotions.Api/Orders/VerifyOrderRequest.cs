using System.ComponentModel.DataAnnotations;
using PartnerMesh.Promotions.Api.Evaluations;
using PartnerMesh.Promotions.Domain.Money;

namespace PartnerMesh.Promotions.Api.Orders;

/// <summary>A completed order: its quote as received, the cart and context as ordered, and what was charged.</summary>
public sealed record VerifyOrderRequest
{
    [Required]
    public string? OrderId { get; init; }

    [Required]
    public Quote? Quote { get; init; }

    [Required]
    public EvaluateRequest? Order { get; init; }

    [Required]
    public decimal? ChargedDiscountTotal { get; init; }

    [Required]
    public decimal? ChargedGrandTotal { get; init; }
}

public sealed record OrderVerificationResponse(
    string OrderId, Guid QuoteId, string Outcome, string? MismatchReason, string Currency, decimal QuotedGrandTotal,
    decimal ChargedGrandTotal, decimal ExpectedGrandTotal, decimal DiscountTotal, bool Cancelled, DateTimeOffset VerifiedAt)
{
    /// <summary>Amounts in the currency's minor units, however the database stored their scale.</summary>
    public static OrderVerificationResponse From(OrderVerification verification)
    {
        decimal Money(decimal amount) => Currencies.Round(amount, verification.Currency);
        return new(verification.OrderId, verification.QuoteId, verification.Outcome, verification.MismatchReason, verification.Currency,
            Money(verification.QuotedGrandTotal), Money(verification.ChargedGrandTotal), Money(verification.ExpectedGrandTotal),
            Money(verification.DiscountTotal), verification.Cancelled, verification.VerifiedAt);
    }
}

public static class VerificationOutcomes
{
    public const string Honoured = "honoured";
    public const string Requoted = "requoted";
    public const string Mismatch = "mismatch";
}

public static class MismatchReasons
{
    public const string CartChanged = "cart_changed";
    public const string ChargedDiffers = "charged_differs";
    public const string ExpiredQuoteDiffers = "expired_quote_differs";

    /// <summary>A promotion the quote applied was paused, ended or switched off before the order, and the order was not
    /// charged what checkout gives without it.</summary>
    public const string PromotionNotLive = "promotion_not_live";

    /// <summary>The quote was priced at the product page or cart, checkout's offers differ for this cart, and the order was
    /// not charged what checkout gives.</summary>
    public const string TouchpointDiffers = "touchpoint_differs";

    /// <summary>The order holds free-gift units at price 0 that no applied free gift gives (the evaluation listed them in
    /// <c>giftsNotDue</c>): the expected total cannot price them, so it is the quoted one.</summary>
    public const string GiftNotDue = "gift_not_due";

    /// <summary>A coupons code the quote applied is no longer usable for this order (coupons refuses it now, leaving the
    /// shopper's own hold and redemption out: another shopper took its last use, say): the expected total is what checkout
    /// gives without it.</summary>
    public const string CouponUnavailable = "coupon_unavailable";
}
