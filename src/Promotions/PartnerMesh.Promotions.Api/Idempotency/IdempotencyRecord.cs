namespace PartnerMesh.Promotions.Api.Idempotency;

/// <summary>
/// An <c>Idempotency-Key</c> a caller sent with a storefront call that takes something (<see cref="IdempotentOperations"/>):
/// the request it came with (<see cref="ServiceDefaults.WebApi.IdempotencyKeys.Fingerprint"/>) and, where the answer is
/// replayed as stored, that answer. Committed together with the work's outcome, never before it.
/// </summary>
public sealed class IdempotencyRecord
{
    /// <summary>Keys are the caller's own (<see cref="Common.Actor"/>): two storefronts may use the same key.</summary>
    public required string Caller { get; init; }

    /// <summary>Keys are per operation: a storefront may use its order id for the checkout evaluation and the order.</summary>
    public required string Operation { get; init; }

    public required string Key { get; init; }
    public required string Fingerprint { get; init; }

    /// <summary>The JSON answer to replay byte for byte (checkout evaluations); null where the operation answers again by itself.</summary>
    public string? Response { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>After this the key is forgotten (swept, and free to claim again).</summary>
    public required DateTimeOffset ExpiresAt { get; init; }
}

public static class IdempotentOperations
{
    /// <summary><c>POST /api/promotions/evaluations</c> at checkout: one quote, one budget reservation per key.</summary>
    public const string CheckoutEvaluation = "checkout-evaluation";

    /// <summary><c>POST /api/promotions/orders</c>: already idempotent by order id; the key adds the 409 for another request.</summary>
    public const string OrderVerification = "order-verification";

    /// <summary><c>POST /api/promotions/definitions/{id}/rollback</c>: one new live version per key.</summary>
    public const string DefinitionRollback = "definition-rollback";
}
