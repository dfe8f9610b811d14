using MassTransit;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Coupons.Api.Infrastructure;
using PartnerMesh.Coupons.Api.Partners;
using PartnerMesh.Outbox;

namespace PartnerMesh.Coupons.Api.IntegrationEvents;

public sealed class RegisterPartnerConsumer(CouponsDbContext db) : IConsumer<PartnerRegistered>
{
    public Task Consume(ConsumeContext<PartnerRegistered> context) =>
        db.ExecuteOnceAsync(context, nameof(RegisterPartnerConsumer), async cancellationToken =>
        {
            var registered = context.Message;
            // A republish under a new event id must not fail on the primary key: the first registration stands.
            if (!await db.Partners.AnyAsync(partner => partner.Id == registered.PartnerId, cancellationToken))
            {
                db.Partners.Add(new Partner
                {
                    Id = registered.PartnerId,
                    Name = registered.Name,
                    Kind = registered.Kind,
                    RegisteredAt = registered.OccurredAt,
                });
            }
        });
}
