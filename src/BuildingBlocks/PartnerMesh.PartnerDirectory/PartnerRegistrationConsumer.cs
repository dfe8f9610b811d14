using MassTransit;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Outbox;

namespace PartnerMesh.PartnerDirectory;

/// <summary>
/// Records a registered partner in the service's directory, once per event (inbox). Each service derives a sealed
/// <c>RegisterPartnerConsumer</c> from it, which names its queue and its inbox entries.
/// </summary>
public abstract class PartnerRegistrationConsumer<TDbContext>(TDbContext db) : IConsumer<PartnerRegistered>
    where TDbContext : DbContext
{
    public async Task Consume(ConsumeContext<PartnerRegistered> context)
    {
        var registered = context.Message;
        // A registration republished under a new event id (a replay after a correction) keeps the copy current;
        // the row and its registration time stay the first ones.
        var applied = await db.ExecuteOnceAsync(context, GetType().Name, cancellationToken =>
            db.Database.ExecuteSqlRawAsync(
                $$"""
                INSERT INTO {{PartnerDirectoryModelBuilderExtensions.TableName}} (id, name, kind, registered_at)
                VALUES ({0}, {1}, {2}, {3})
                ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind
                """,
                [registered.PartnerId, registered.Name, registered.Kind, registered.OccurredAt.ToUniversalTime()],
                cancellationToken));

        if (applied)
        {
            OnRecorded(registered);
        }
    }

    /// <summary>Called after the event was applied for the first time (e.g. to record a metric).</summary>
    protected virtual void OnRecorded(PartnerRegistered registered)
    {
    }
}
