using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace PartnerMesh.Data;

/// <summary>
/// Runs a unit of work again when PostgreSQL aborted it for a conflict with a concurrent one: a deadlock (40P01, one of
/// two transactions waiting on each other is chosen to fail) or a serialization failure (40001). Nothing of the aborted
/// attempt was written, so running it again from the start is safe and gives the caller the answer it would have had
/// alone. Attempts are bounded; the last failure is rethrown (an unhandled transient failure is a 503).
/// </summary>
/// <remarks>
/// The unit of work must own its transaction (begin, commit, and roll back by disposing it) and re-read everything it
/// decides on: each attempt starts with an empty change tracker. Locks taken in one order on every path make these
/// conflicts rare; this is the net for those that remain.
/// </remarks>
public static class ConflictRetry
{
    /// <summary>How many times a unit of work runs at most.</summary>
    public const int MaxAttempts = 5;

    /// <summary>Whether the exception (or one it wraps: EF Core wraps them in <see cref="DbUpdateException"/> or
    /// <see cref="InvalidOperationException"/>) is PostgreSQL aborting a transaction for a concurrent one.</summary>
    public static bool IsConcurrencyConflict(this Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Runs <paramref name="unitOfWork"/> and, when it fails with a <see cref="IsConcurrencyConflict">concurrency
    /// conflict</see> (or an exception <paramref name="alsoRetry"/> accepts, such as a unique index a concurrent request
    /// filled first), clears the change tracker and runs it again after a short random pause, up to
    /// <see cref="MaxAttempts"/> times.
    /// </summary>
    public static async Task<T> RetryOnConflictAsync<T>(
        this DbContext db, Func<Task<T>> unitOfWork, CancellationToken cancellationToken, Func<Exception, bool>? alsoRetry = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await unitOfWork();
            }
            catch (Exception exception) when (attempt < MaxAttempts && (exception.IsConcurrencyConflict() || alsoRetry?.Invoke(exception) == true))
            {
                db.ChangeTracker.Clear();
                // Apart, so the transactions that collided do not meet again at once.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 * attempt)), cancellationToken);
            }
        }
    }
}
