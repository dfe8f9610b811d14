using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Coupons.Api.Infrastructure;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Coupons.Api.Common;

/// <summary>
/// The optional <c>Idempotency-Key</c> of creating POSTs (as in promotions and attribution): the same key and request again
/// answer 200 with what the first created, and create nothing; the same key with another request is a 409. Keys are rows
/// (<see cref="IdempotencyRecord"/>, unique per operation) claimed in the transaction that creates the resource, so the
/// guarantee holds across instances and for concurrent retries: the second waits on the first's uncommitted key, then
/// replays it (or claims it, if the first rolled back).
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

    /// <summary>What makes two requests "the same": the route values and the body, as JSON, hashed.</summary>
    public static string Fingerprint(object request) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(request, JsonSerializerOptions.Web))));

    /// <summary>
    /// Claims <paramref name="key"/> for <paramref name="resourceId"/> inside the caller's transaction, or tells what the
    /// key already stands for. The caller creates the resource only when <see cref="IdempotencyOutcome.Claimed"/>.
    /// </summary>
    public static async Task<(IdempotencyOutcome Outcome, Guid ResourceId)> ClaimAsync(
        this CouponsDbContext db, string operation, string key, string fingerprint, Guid resourceId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await db.Database.ExecuteSqlAsync($"""
                INSERT INTO idempotency_keys (operation, key, fingerprint, resource_id, created_at)
                VALUES ({operation}, {key}, {fingerprint}, {resourceId}, {now})
                ON CONFLICT (operation, key) DO NOTHING
                """, cancellationToken) == 1)
        {
            return (IdempotencyOutcome.Claimed, resourceId);
        }

        var earlier = await db.IdempotencyKeys.AsNoTracking()
            .SingleAsync(record => record.Operation == operation && record.Key == key, cancellationToken);
        return (earlier.Fingerprint == fingerprint ? IdempotencyOutcome.Replayed : IdempotencyOutcome.Mismatch, earlier.ResourceId);
    }

    public static ProblemHttpResult Reused(string key) =>
        Problems.Conflict("Idempotency key reused",
            $"The idempotency key '{key}' was used for another request; send a new key for a new request.");
}

public enum IdempotencyOutcome
{
    Claimed,
    Replayed,
    Mismatch,
}
