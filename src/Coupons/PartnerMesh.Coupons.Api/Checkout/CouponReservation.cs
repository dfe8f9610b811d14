namespace PartnerMesh.Coupons.Api.Checkout;

/// <summary>A use held for a checkout: consumed by its order's redemption, or released (by the storefront or on expiry).</summary>
public sealed class CouponReservation
{
    public required Guid Id { get; init; }
    public required Guid CodeId { get; init; }
    public required Guid CampaignId { get; init; }
    public required Guid PromotionId { get; init; }
    public required string Code { get; init; }
    public string? CheckoutId { get; init; }
    public string? CustomerKey { get; init; }
    public Guid? PartnerId { get; init; }
    public Guid? TrafficPartnerId { get; init; }
    public required decimal CartTotal { get; init; }
    public required string Currency { get; init; }
    public required string Status { get; set; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? SettledAt { get; set; }
    public string? OrderId { get; set; }

    /// <summary>The counters this reservation took a use from, in key order: what a release gives back.</summary>
    public required string[] CounterKeys { get; init; }
}

public static class ReservationStatuses
{
    public const string Held = "held";
    public const string Consumed = "consumed";
    public const string Released = "released";
}
