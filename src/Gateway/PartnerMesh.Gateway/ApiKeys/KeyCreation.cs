namespace PartnerMesh.Gateway.ApiKeys;

/// <summary>
/// What a creating request got: a new key (<see cref="Created"/>, with its plain text), the key an earlier request with the
/// same idempotency key created (<see cref="Replayed"/>, without it), or a refusal (<see cref="IdempotencyConflict"/> when
/// the key was used for another request, <see cref="Refused"/> when a rotation is not possible). All null: no such key.
/// </summary>
public sealed record KeyCreation(CreatedApiKey? Created = null, ApiKey? Replayed = null, string? IdempotencyConflict = null, string? Refused = null);
