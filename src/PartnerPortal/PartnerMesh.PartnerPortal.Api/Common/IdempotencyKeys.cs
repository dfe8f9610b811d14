using Microsoft.AspNetCore.Http.HttpResults;

namespace PartnerMesh.PartnerPortal.Api.Common;

/// <summary>
/// The optional <c>Idempotency-Key</c> of creating POSTs: the same key with the same request answers 200 with what the
/// first request created (never a secret again); with another request, 409.
/// </summary>
public static class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";
    public const int MaxLength = 100;

    public static ValidationProblem? Validate(string? key) =>
        key is { Length: 0 or > MaxLength } || (key is not null && key.Any(char.IsControl))
            ? TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                [Header] = [$"An idempotency key has 1 to {MaxLength} printable characters."],
            })
            : null;
}
