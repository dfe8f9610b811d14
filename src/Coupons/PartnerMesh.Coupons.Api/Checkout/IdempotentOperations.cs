namespace PartnerMesh.Coupons.Api.Checkout;

/// <summary>The storefront operations that take an <c>Idempotency-Key</c> (their rows in <c>idempotency_keys</c>).</summary>
public static class IdempotentOperations
{
    public const string Reserve = "reserve-coupon";
    public const string Redeem = "redeem-coupon";
    public const string Refund = "refund-order";
}
