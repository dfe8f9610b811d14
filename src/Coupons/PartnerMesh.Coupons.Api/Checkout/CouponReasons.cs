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

    // Redemption only.
    public const string ReservationRequired = "reservation_required";
    public const string ReservationNotFound = "reservation_not_found";
    public const string ReservationMismatch = "reservation_mismatch";
    public const string ReservationExpired = "reservation_expired";
    public const string ReservationReleased = "reservation_released";
    public const string ReservationUsed = "reservation_used";
    public const string OneCodePerOrder = "one_code_per_order";

    // Refund only: the refund id was recorded with another order or amount.
    public const string RefundIdReused = "refund_id_reused";

    // Reservation, redemption, refund: the Idempotency-Key was used with another request.
    public const string IdempotencyKeyReused = "idempotency_key_reused";
}
