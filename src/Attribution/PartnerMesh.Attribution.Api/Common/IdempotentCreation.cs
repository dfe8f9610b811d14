using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Attribution.Api.Infrastructure;
using PartnerMesh.Attribution.Api.Infrastructure.Configurations;
using PartnerMesh.Data;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Attribution.Api.Common;

/// <summary>
/// <c>Idempotency-Key</c> on creating POSTs that keep their own natural-key idempotency (an order, refund or lead id, a
/// program's customer). A key stands for the first successful answer given under it: the same request again gets that
/// body again (200) and has no effect; another request under the key is a 409. A failed request (4xx) stores no key.
/// </summary>
public static class IdempotentCreation
{
    /// <summary>
    /// Stages the key and its answer in the unit of work that creates the resource: the key never stands for something
    /// that is not stored, and another request under the key committing first fails this commit (see
    /// <see cref="CreateOnceAsync{T}"/>). Does nothing without a key.
    /// </summary>
    public static void RememberAnswer<T>(this AttributionDbContext db, IdempotentRequest? keyed, T answer, DateTimeOffset now)
    {
        if (keyed is null)
        {
            return;
        }

        db.IdempotencyRecords.Add(new IdempotencyRecord
        {
            Caller = keyed.Caller, Operation = keyed.Operation, Key = keyed.Key, Fingerprint = keyed.Fingerprint,
            Response = JsonSerializer.Serialize(answer, JsonSerializerOptions.Web), CreatedAt = now,
        });
    }

    /// <summary>
    /// Answers <paramref name="create"/> once per key. <paramref name="create"/> must <see cref="RememberAnswer{T}"/> what
    /// it creates (its 201) in the same commit; its 200 (the natural key found the same resource: nothing created) is
    /// remembered here. Without a key, just <paramref name="create"/>.
    /// </summary>
    public static async Task<Results<Created<T>, Ok<T>, ValidationProblem, ProblemHttpResult>> CreateOnceAsync<T>(
        this AttributionDbContext db, IdempotentRequest? keyed, TimeProvider timeProvider,
        Func<Task<Results<Created<T>, Ok<T>, ValidationProblem, ProblemHttpResult>>> create, CancellationToken cancellationToken)
    {
        if (keyed is null)
        {
            return await create();
        }

        if (await ReplayAsync<T>(db, keyed, cancellationToken) is { } replay)
        {
            return replay;
        }

        try
        {
            var answer = await create();
            if (answer.Result is Ok<T> { Value: { } same })
            {
                db.ChangeTracker.Clear();
                db.RememberAnswer(keyed, same, timeProvider.GetUtcNowForStorage());
                await db.SaveChangesAsync(cancellationToken);
            }

            return answer;
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation(IdempotencyRecordConfiguration.PrimaryKey))
        {
            // Another request under the key committed first: nothing of this one was written.
            db.ChangeTracker.Clear();
            return await ReplayAsync<T>(db, keyed, cancellationToken)
                ?? throw new InvalidOperationException("An idempotency key was reported used but is not stored.");
        }
    }

    /// <summary>The answer the key stands for (200), a 409 for another request, or null when the key is new.</summary>
    private static async Task<Results<Created<T>, Ok<T>, ValidationProblem, ProblemHttpResult>?> ReplayAsync<T>(
        AttributionDbContext db, IdempotentRequest keyed, CancellationToken cancellationToken)
    {
        var earlier = await db.IdempotencyRecords.AsNoTracking()
            .Where(used => used.Caller == keyed.Caller && used.Operation == keyed.Operation && used.Key == keyed.Key)
            .Select(used => new { used.Fingerprint, used.Response })
            .SingleOrDefaultAsync(cancellationToken);
        if (earlier is null)
        {
            return null;
        }

        return IdempotencyKeys.Matches(earlier.Fingerprint, keyed.Fingerprint)
            ? TypedResults.Ok(JsonSerializer.Deserialize<T>(earlier.Response, JsonSerializerOptions.Web)!)
            : IdempotencyKeys.Reused();
    }
}
