using MassTransit;
using PartnerMesh.Contracts.Analytics;
using PartnerMesh.Coupons.Api.Common;
using PartnerMesh.Coupons.Api.Infrastructure;
using PartnerMesh.Coupons.Api.Offers;
using PartnerMesh.Outbox;

namespace PartnerMesh.Coupons.Api.IntegrationEvents;

/// <summary>Issues personal offer codes for a verified abandoned cart, once per event (inbox).</summary>
public sealed class IssueAbandonedCartOfferConsumer(CouponsDbContext db, OfferService offers, TimeProvider timeProvider, ILogger<IssueAbandonedCartOfferConsumer> logger)
    : IConsumer<CartAbandoned>
{
    public async Task Consume(ConsumeContext<CartAbandoned> context)
    {
        var issued = 0;
        await db.ExecuteOnceAsync(context, nameof(IssueAbandonedCartOfferConsumer), async cancellationToken =>
            issued = await offers.IssueForAbandonedCartAsync(context.Message, Clock.Now(timeProvider), cancellationToken));
        if (issued > 0)
        {
            logger.LogInformation("Issued {Count} abandoned-cart offer(s) for cart {CartId}", issued, context.Message.CartId);
        }
    }
}
