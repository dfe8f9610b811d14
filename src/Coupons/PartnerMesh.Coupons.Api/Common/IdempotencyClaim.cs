using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Coupons.Api.Common;

/// <summary>A request's <c>Idempotency-Key</c> on one operation and what the request said (<see cref="IdempotencyKeys.Fingerprint"/>).</summary>
public sealed record IdempotencyClaim(string Operation, string Key, string Fingerprint)
{
    /// <summary>Null without a key.</summary>
    public static IdempotencyClaim? Of(string operation, string? key, object request) =>
        key is null ? null : new IdempotencyClaim(operation, key, IdempotencyKeys.Fingerprint(request));

    public bool SameRequest(IdempotencyRecord record) => record.Fingerprint == Fingerprint;

    public IdempotencyRecord Record(Guid resourceId, DateTimeOffset now) =>
        new() { Operation = Operation, Key = Key, Fingerprint = Fingerprint, ResourceId = resourceId, CreatedAt = now };
}
