namespace PartnerMesh.Outbox;

/// <summary>Proof that a consumer already applied a message: written in the same transaction as the effects.</summary>
public sealed class InboxMessage
{
    public Guid MessageId { get; init; }

    public required string Consumer { get; init; }

    public DateTimeOffset ProcessedAt { get; init; }
}
