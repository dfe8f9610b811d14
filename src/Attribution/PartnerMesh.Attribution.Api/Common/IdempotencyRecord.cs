namespace PartnerMesh.Attribution.Api.Common;

/// <summary>
/// An <c>Idempotency-Key</c> a caller sent with a creating POST (<see cref="IdempotentCreation"/>), the fingerprint of
/// the request it came with and the answer that request got (its JSON body), replayed to the key's retries.
/// </summary>
public sealed class IdempotencyRecord
{
    public required string Caller { get; init; }

    public required string Operation { get; init; }

    public required string Key { get; init; }

    public required string Fingerprint { get; init; }

    public required string Response { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}
