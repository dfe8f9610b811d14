namespace PartnerMesh.Coupons.Api.Checkout;

/// <summary>Why a code cannot be used, as validation, reservation and redemption report it.</summary>
public static class CouponReasons
{
    public const string Unknown = "unknown";
    public const string NotStarted = "not_started";
    public const string Expired = "expired";
    public const string Exhausted = "exhausted";
    public const string CustomerLimitReached = "customer_limit_reached";
    public const string PartnerLimitReached = "partner_limit_reached";
    public const string MinimumNotMet = "minimum_not_met";
    public const string CurrencyMismatch = "currency_mismatch";
    public const string NotForPartner = "not_for_partner";
    public const string NotForCustomer = "not_for_customer";
    public const string Retired = "retired";

    // A partner code whose partner attribution reports not active (suspended, pending, invited).
    public const string PartnerInactive = "partner_inactive";

    // The code's generation job was cancelled (its codes are disabled).
    public const string Disabled = "disabled";

    // Redemption only.
    public const string ReservationRequired = "reservation_required";
    public const string ReservationNotFound = "reservation_not_found";
    public const string ReservationMismatch = "reservation_mismatch";
    public const string ReservationExpired = "reservation_expired";
    public const string ReservationReleased = "reservation_released";
    public const string ReservationUsed = "reservation_used";
    public const string OneCodePerOrder = "one_code_per_order";

    // Redemption: the order already redeemed this code with another total, currency or customer.
    public const string OrderMismatch = "order_mismatch";

    // Redemption and refund: the order's redemption was cancelled, or refunded in full (its use was given back).
    public const string OrderCancelled = "order_cancelled";
    public const string OrderRefunded = "order_refunded";

    // Reservation: the checkout holds the code for another customer.
    public const string CheckoutMismatch = "checkout_mismatch";

    // Refund only: the refund id was recorded with another order or amount.
    public const string RefundIdReused = "refund_id_reused";

    // Refund only: the amount is more than what is left of the order.
    public const string RefundExceedsOrder = "refund_exceeds_order";

    // Admin: a code (or a rotation's chosen replacement) that already exists; a rotation of a code already retired is `retired`.
    public const string CodeExists = "code_exists";

    // Admin: cancelling a generation job that completed or failed, or an offer pool's; the codes of a cancelled job.
    public const string JobCompleted = "job_completed";
    public const string JobFailed = "job_failed";
    public const string JobNotCancellable = "job_not_cancellable";
    public const string JobCancelled = "job_cancelled";

    // Reservation, redemption, refund: the Idempotency-Key was used with another request.
    public const string IdempotencyKeyReused = "idempotency_key_reused";

    // Admin: a campaign edit made from an older read (412), or sent without If-Match (428).
    public const string CampaignChanged = "campaign_changed";
    public const string IfMatchRequired = "if_match_required";
}
