namespace PartnerMesh.Coupons.Api.Offers;

/// <summary>
/// An offer decided for an abandoned cart and due at <see cref="DueAt"/> (the campaign's delay after the abandonment).
/// The scheduler issues it then — or drops it when the customer was contacted meanwhile — and deletes the row.
/// One per campaign and cart.
/// </summary>
public sealed class PendingOffer
{
    public required Guid Id { get; init; }
    public required Guid CampaignId { get; init; }
    public required string CartId { get; init; }
    public required string CustomerKey { get; init; }
    public required string VisitorId { get; init; }
    public string? CustomerId { get; init; }
    public string? Email { get; init; }
    public required DateTimeOffset DueAt { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
}
