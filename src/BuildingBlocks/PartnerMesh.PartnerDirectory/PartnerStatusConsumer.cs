using MassTransit;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Outbox;

namespace PartnerMesh.PartnerDirectory;

/// <summary>
/// Keeps each partner's latest status (<see cref="PartnerStanding"/>), once per event (inbox); events may arrive out of
/// order, so the newest <c>OccurredAt</c> wins. Each service that keeps standings derives a sealed
/// <c>RecordPartnerStatusConsumer</c> from it, which names its queue and its inbox entries.
/// </summary>
public abstract class PartnerStatusConsumer<TDbContext>(TDbContext db) : IConsumer<PartnerStatusChanged>
    where TDbContext : DbContext
{
    public async Task Consume(ConsumeContext<PartnerStatusChanged> context)
    {
        var changed = context.Message;
        var applied = await db.ExecuteOnceAsync(context, GetType().Name, cancellationToken =>
            db.Database.ExecuteSqlRawAsync(
                $$"""
                INSERT INTO {{PartnerDirectoryModelBuilderExtensions.StandingsTableName}} (partner_id, status, changed_at) VALUES ({0}, {1}, {2})
                ON CONFLICT (partner_id) DO UPDATE SET status = EXCLUDED.status, changed_at = EXCLUDED.changed_at
                WHERE {{PartnerDirectoryModelBuilderExtensions.StandingsTableName}}.changed_at <= EXCLUDED.changed_at
                """,
                [changed.PartnerId, changed.Status, changed.OccurredAt.ToUniversalTime()],
                cancellationToken));

        if (applied)
        {
            await OnRecordedAsync(changed);
        }
    }

    /// <summary>Called after the event was applied for the first time (e.g. to clear a cache that carries the status).</summary>
    protected virtual Task OnRecordedAsync(PartnerStatusChanged changed) => Task.CompletedTask;
}
