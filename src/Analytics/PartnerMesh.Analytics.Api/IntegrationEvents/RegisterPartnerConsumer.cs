using MassTransit;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Outbox;

namespace PartnerMesh.Analytics.Api.IntegrationEvents;

public sealed class RegisterPartnerConsumer(AnalyticsDbContext db, AnalyticsMetrics metrics, TimeProvider timeProvider)
    : IConsumer<PartnerRegistered>
{
    public async Task Consume(ConsumeContext<PartnerRegistered> context)
    {
        var partner = context.Message;
        var applied = await db.ExecuteOnceAsync(context, nameof(RegisterPartnerConsumer), ct =>
            db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO partners (id, name, kind, registered_at)
                VALUES ({partner.PartnerId}, {partner.Name}, {partner.Kind}, {partner.OccurredAt.ToUniversalTime()})
                ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind
                """,
                ct));

        if (applied)
        {
            metrics.EventApplied("partner-registered", timeProvider.GetUtcNow() - partner.OccurredAt);
        }
    }
}
