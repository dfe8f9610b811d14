namespace PartnerMesh.Coupons.Api.Common;

/// <summary>An <c>Idempotency-Key</c> used on one operation, the request it came with and the resource it created.</summary>
public sealed class IdempotencyRecord
{
    public required string Operation { get; init; }
    public required string Key { get; init; }
    public required string Fingerprint { get; init; }
    public required Guid ResourceId { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
}
