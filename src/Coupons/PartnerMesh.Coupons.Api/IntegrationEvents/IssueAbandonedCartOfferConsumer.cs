using MassTransit;
using PartnerMesh.Contracts.Analytics;
using PartnerMesh.Coupons.Api.Common;
using PartnerMesh.Coupons.Api.Infrastructure;
using PartnerMesh.Coupons.Api.Offers;
using PartnerMesh.Outbox;

namespace PartnerMesh.Coupons.Api.IntegrationEvents;

/// <summary>Schedules personal offers for a verified abandoned cart, once per event (inbox); the scheduler issues them.</summary>
public sealed class IssueAbandonedCartOfferConsumer(
    CouponsDbContext db, OfferService offers, OfferSignal signal, TimeProvider timeProvider, ILogger<IssueAbandonedCartOfferConsumer> logger)
    : IConsumer<CartAbandoned>
{
    public async Task Consume(ConsumeContext<CartAbandoned> context)
    {
        var scheduled = 0;
        await db.ExecuteOnceAsync(context, nameof(IssueAbandonedCartOfferConsumer), async cancellationToken =>
            scheduled = await offers.ScheduleForAbandonedCartAsync(context.Message, Clock.Now(timeProvider), cancellationToken));
        if (scheduled > 0)
        {
            signal.Notify();
            logger.LogInformation("Scheduled {Count} abandoned-cart offer(s) for cart {CartId}", scheduled, context.Message.CartId);
        }
    }
}
