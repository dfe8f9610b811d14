using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Attribution.Api.Common;

/// <summary>
/// The optional <c>Idempotency-Key</c> of creating POSTs: the same key with the same request again answers 200 with what
/// it created; the same key with a different request is a 409 problem (a client bug that must not pass for a retry).
/// </summary>
public static class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";
    public const int MaxLength = 100;

    /// <summary>Hex SHA-256.</summary>
    public const int FingerprintLength = 64;

    public static ValidationProblem? Validate(string? key) =>
        key is { Length: 0 or > MaxLength } || (key is not null && key.Any(char.IsControl))
            ? TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                [Header] = [$"An idempotency key has 1 to {MaxLength} printable characters."],
            })
            : null;

    /// <summary>What a creating request said: its body as bound and the route values that name the parent (partner, program).</summary>
    public static string Fingerprint<TRequest>(TRequest request, params object[] route) =>
        Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(new { route, request }, JsonSerializerOptions.Web)));

    /// <summary>Whether a retry says what the creating request said (rows created before fingerprints were kept match any).</summary>
    public static bool Matches(string? stored, string fingerprint) => stored is null || stored == fingerprint;

    public static ProblemHttpResult Reused() =>
        Problems.Conflict("Idempotency key reused", $"This {Header} was already used with a different request; send a new key for a new request.");
}
