using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace PartnerMesh.ServiceDefaults.WebApi;

/// <summary>
/// The optional <c>Idempotency-Key</c> of creating POSTs, the same in every service: the same key with the same request
/// again answers 200 with what the first created, and creates nothing; the same key with another request is a 409 (a
/// client bug that must not pass for a retry). How a service stores its keys is its own.
/// </summary>
public static class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";
    public const int MaxLength = 100;

    /// <summary>The length of a <see cref="Fingerprint"/>.</summary>
    public const int FingerprintLength = 64;

    public static ValidationProblem? Validate(string? key) =>
        key is { Length: 0 or > MaxLength } || (key is not null && key.Any(char.IsControl))
            ? TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                [Header] = [$"An idempotency key has 1 to {MaxLength} printable characters."],
            })
            : null;

    /// <summary>What makes two requests "the same": <paramref name="request"/> (the body, and the route values that name
    /// the parent when there are any) as JSON, hashed: lower-case hex SHA-256, 64 characters.</summary>
    public static string Fingerprint(object request) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request, JsonSerializerOptions.Web)));

    /// <summary>Whether a retry says what the creating request said; a resource stored before fingerprints were kept
    /// (<paramref name="stored"/> null) matches any.</summary>
    public static bool Matches(string? stored, string fingerprint) =>
        stored is null || string.Equals(stored, fingerprint, StringComparison.OrdinalIgnoreCase);

    /// <summary>The machine-readable <c>reason</c> of every key-reuse 409 (coupons keep their snake_case spelling,
    /// <c>idempotency_key_reused</c>, with the rest of their reason codes).</summary>
    public const string ReusedReason = "idempotency-key-reused";

    /// <summary>The 409 for a key reused with another request, with <see cref="ReusedReason"/>; <paramref name="detail"/>
    /// says what the key was first used for, where the service knows.</summary>
    public static ProblemHttpResult Reused(string? detail = null) =>
        Problems.Refused(StatusCodes.Status409Conflict, ReusedReason, "Idempotency key reused",
            detail ?? $"This {Header} was already used with a different request; send a new key for a new request.");
}
