namespace PartnerMesh.Attribution.Api.Clicks;

/// <summary>
/// An <c>Idempotency-Key</c> a caller sent with <c>POST /clicks</c>: the request it came with
/// (<see cref="ServiceDefaults.WebApi.IdempotencyKeys.Fingerprint"/>) and the click it was answered with. Written in the
/// commit of that click, so a key never stands for a click that is not stored.
/// </summary>
public sealed class ClickIdempotencyKey
{
    /// <summary>Keys are the caller's own (<see cref="Common.Actor"/>): two storefronts may use the same key.</summary>
    public required string Caller { get; init; }

    public required string Key { get; init; }

    public required string Fingerprint { get; init; }

    public Guid ClickId { get; init; }

    /// <summary>Whether the request collapsed into an earlier click of the visitor (answered 200, not 201).</summary>
    public bool Duplicate { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}
