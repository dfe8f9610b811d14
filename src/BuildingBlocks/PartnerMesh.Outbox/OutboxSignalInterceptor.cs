using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace PartnerMesh.Outbox;

/// <summary>
/// Signals the relay once outbox rows are durable: after the save, or after the enclosing transaction commits. Saves that
/// add no outbox row do not wake it.
/// </summary>
public sealed class OutboxSignalInterceptor(OutboxSignal signal) : ISaveChangesInterceptor, IDbTransactionInterceptor
{
    private readonly ConditionalWeakTable<DbContext, object> _pendingCommit = [];

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context && HasNewOutboxRows(context))
        {
            _pendingCommit.AddOrUpdate(context, true);
        }

        return ValueTask.FromResult(result);
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context && context.Database.CurrentTransaction is null && _pendingCommit.Remove(context))
        {
            signal.Notify();
        }

        return ValueTask.FromResult(result);
    }

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context && _pendingCommit.Remove(context))
        {
            signal.Notify();
        }

        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (eventData.Context is { } context && _pendingCommit.Remove(context))
        {
            signal.Notify();
        }
    }

    /// <summary>
    /// Outbox rows are only ever added (<see cref="OutboxDbContextExtensions.AddIntegrationEvent"/> marks them Added at
    /// once), so the tracker's state is enough: no change detection here, SaveChanges runs its own right after.
    /// </summary>
    private static bool HasNewOutboxRows(DbContext context)
    {
        var tracker = context.ChangeTracker;
        var detectChanges = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        try
        {
            return tracker.Entries<OutboxMessage>().Any(entry => entry.State == EntityState.Added);
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = detectChanges;
        }
    }
}
