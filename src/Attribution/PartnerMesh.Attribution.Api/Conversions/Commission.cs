namespace PartnerMesh.Attribution.Api.Conversions;

/// <summary>What a partner earned for one attributed conversion; starts <see cref="CommissionStatus.Pending"/>.</summary>
public sealed class Commission
{
    public Guid Id { get; init; }

    public Guid ConversionId { get; init; }

    public Guid PartnerId { get; init; }

    public decimal Amount { get; init; }

    public required string Currency { get; init; }

    /// <summary>The partner's rate when the commission was booked; a later rate change does not rewrite history.</summary>
    public decimal Rate { get; init; }

    public required string Status { get; set; }

    public DateTimeOffset CreatedAt { get; init; }
}
