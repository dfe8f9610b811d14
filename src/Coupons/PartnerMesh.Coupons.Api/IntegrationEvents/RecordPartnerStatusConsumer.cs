using MassTransit;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Coupons.Api.Checkout;
using PartnerMesh.Coupons.Api.Infrastructure;
using PartnerMesh.Coupons.Api.Infrastructure.Configurations;
using PartnerMesh.Outbox;

namespace PartnerMesh.Coupons.Api.IntegrationEvents;

/// <summary>
/// Keeps each partner's latest status, once per event (inbox); events may arrive out of order, so the newest
/// <c>OccurredAt</c> wins. A partner that is not active has its codes refused <c>partner_inactive</c>; the cached code
/// definitions (which carry the status) are cleared here and on every instance.
/// </summary>
public sealed class RecordPartnerStatusConsumer(CouponsDbContext db, CodeChangeNotifier codeChanges) : IConsumer<PartnerStatusChanged>
{
    public async Task Consume(ConsumeContext<PartnerStatusChanged> context)
    {
        var changed = context.Message;
        var applied = await db.ExecuteOnceAsync(context, nameof(RecordPartnerStatusConsumer), cancellationToken =>
            db.Database.ExecuteSqlRawAsync(
                $$"""
                INSERT INTO {{PartnerStandingConfiguration.TableName}} (partner_id, status, changed_at) VALUES ({0}, {1}, {2})
                ON CONFLICT (partner_id) DO UPDATE SET status = EXCLUDED.status, changed_at = EXCLUDED.changed_at
                WHERE {{PartnerStandingConfiguration.TableName}}.changed_at <= EXCLUDED.changed_at
                """,
                [changed.PartnerId, changed.Status, changed.OccurredAt.ToUniversalTime()],
                cancellationToken));
        if (applied)
        {
            await codeChanges.ChangedAsync($"partner:{changed.PartnerId:N}");
        }
    }
}
