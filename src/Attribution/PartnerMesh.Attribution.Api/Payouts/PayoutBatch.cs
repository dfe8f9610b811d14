namespace PartnerMesh.Attribution.Api.Payouts;

/// <summary>A payout run: every approved, unpaid entry of partners whose net balance is positive, per currency.</summary>
public sealed class PayoutBatch
{
    public Guid Id { get; init; }

    public string? IdempotencyKey { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public List<PayoutItem> Items { get; init; } = [];
}

public sealed class PayoutItem
{
    public Guid BatchId { get; init; }

    public Guid PartnerId { get; init; }

    public required string Currency { get; init; }

    public decimal Amount { get; init; }

    public int EntryCount { get; init; }
}
