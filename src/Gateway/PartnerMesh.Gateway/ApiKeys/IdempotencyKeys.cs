using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace PartnerMesh.Gateway.ApiKeys;

/// <summary>
/// The optional <c>Idempotency-Key</c> of creating POSTs: the same key with the same request answers 200 with what the
/// first request created (never its secret again); with another request, 409.
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

    /// <summary>The key and a hex SHA-256 of what the request asks for, or null without a key.</summary>
    public static IdempotentRequest? Of<T>(string? key, T request) =>
        key is null ? null : new IdempotentRequest(key, Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request))));
}

/// <param name="RequestHash">Tells "the same request again" from another request reusing the key.</param>
public sealed record IdempotentRequest(string Key, string RequestHash);
