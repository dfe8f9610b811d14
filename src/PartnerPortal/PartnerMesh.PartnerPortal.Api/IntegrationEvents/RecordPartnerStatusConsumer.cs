using MassTransit;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Outbox;
using PartnerMesh.PartnerPortal.Api.Infrastructure;
using PartnerMesh.PartnerPortal.Api.Infrastructure.Configurations;

namespace PartnerMesh.PartnerPortal.Api.IntegrationEvents;

/// <summary>
/// Keeps each partner's latest status, once per event (inbox); events may arrive out of order, so the newest
/// <c>OccurredAt</c> wins. Sessions of a partner that is no longer active end on their next request (<c>PortalCookieEvents</c>).
/// </summary>
public sealed class RecordPartnerStatusConsumer(PortalDbContext db) : IConsumer<PartnerStatusChanged>
{
    public Task Consume(ConsumeContext<PartnerStatusChanged> context)
    {
        var changed = context.Message;
        return db.ExecuteOnceAsync(context, nameof(RecordPartnerStatusConsumer), cancellationToken =>
            db.Database.ExecuteSqlRawAsync(
                $$"""
                INSERT INTO {{PartnerStandingConfiguration.TableName}} (partner_id, status, changed_at) VALUES ({0}, {1}, {2})
                ON CONFLICT (partner_id) DO UPDATE SET status = EXCLUDED.status, changed_at = EXCLUDED.changed_at
                WHERE {{PartnerStandingConfiguration.TableName}}.changed_at <= EXCLUDED.changed_at
                """,
                [changed.PartnerId, changed.Status, changed.OccurredAt.ToUniversalTime()],
                cancellationToken));
    }
}
