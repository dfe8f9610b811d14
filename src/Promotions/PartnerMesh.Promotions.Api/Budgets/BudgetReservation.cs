namespace PartnerMesh.Promotions.Api.Budgets;

/// <summary>Budget taken by a checkout quote: held until the order consumes it, or released on expiry or cancellation.</summary>
public sealed class BudgetReservation
{
    public required Guid Id { get; init; }
    public required Guid QuoteId { get; init; }
    public ReservationStatus Status { get; set; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>The checkout whose evaluations this hold is for: at most one held per checkout, each evaluation of it
    /// replacing the one before.</summary>
    public string? CheckoutId { get; init; }
    public string? OrderId { get; set; }
    public DateTimeOffset? SettledAt { get; set; }

    /// <summary>JSON array of <see cref="ReservedAmount"/>: what to give back on release.</summary>
    public required string Items { get; init; }
}

public enum ReservationStatus
{
    Held = 0,
    Consumed = 1,
    Released = 2,
}

public sealed record ReservedAmount(string Key, decimal Spend);
