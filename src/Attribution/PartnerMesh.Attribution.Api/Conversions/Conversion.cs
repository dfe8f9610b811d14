namespace PartnerMesh.Attribution.Api.Conversions;

/// <summary>A completed order reported by a storefront; one per order id, attributed to a partner or not.</summary>
public sealed class Conversion
{
    public Guid Id { get; init; }

    public required string OrderId { get; init; }

    public Guid? ClickId { get; init; }

    public Guid? PartnerId { get; init; }

    public bool Attributed { get; init; }

    public required string Reason { get; init; }

    public decimal Amount { get; init; }

    public required string Currency { get; init; }

    public decimal CommissionAmount { get; init; }

    public DateTimeOffset OrderedAt { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}
