using MassTransit;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Outbox;
using PartnerMesh.PartnerPortal.Api.Infrastructure;

namespace PartnerMesh.PartnerPortal.Api.IntegrationEvents;

/// <summary>Learns partners so operators can open accounts for them and pages can show their names.</summary>
public sealed class RegisterPartnerConsumer(PortalDbContext db) : IConsumer<PartnerRegistered>
{
    public Task Consume(ConsumeContext<PartnerRegistered> context)
    {
        var partner = context.Message;
        return db.ExecuteOnceAsync(context, nameof(RegisterPartnerConsumer), ct =>
            db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO partners (id, name, kind, registered_at)
                VALUES ({partner.PartnerId}, {partner.Name}, {partner.Kind}, {partner.OccurredAt.ToUniversalTime()})
                ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind
                """,
                ct));
    }
}
