using MassTransit;
using PartnerMesh.Contracts.Analytics;
using PartnerMesh.Coupons.Api.Common;
using PartnerMesh.Coupons.Api.Infrastructure;
using PartnerMesh.Coupons.Api.Offers;
using PartnerMesh.Outbox;

namespace PartnerMesh.Coupons.Api.IntegrationEvents;

/// <summary>
/// An abandoned cart was ordered after all: its offers still waiting for their delay are dropped, and the cart is
/// remembered as recovered so that its <c>CartAbandoned</c>, if consumed later, schedules none — once per event (inbox).
/// An offer already issued stays the shopper's.
/// </summary>
public sealed class DropRecoveredCartOffersConsumer(
    CouponsDbContext db, OfferService offers, CouponsMetrics metrics, TimeProvider timeProvider, ILogger<DropRecoveredCartOffersConsumer> logger)
    : IConsumer<CartRecovered>
{
    public async Task Consume(ConsumeContext<CartRecovered> context)
    {
        var dropped = 0;
        await db.ExecuteOnceAsync(context, nameof(DropRecoveredCartOffersConsumer), async cancellationToken =>
            dropped = await offers.RecordRecoveryAsync(context.Message, Clock.Now(timeProvider), cancellationToken));
        if (dropped > 0)
        {
            metrics.Offer(OfferResults.CartRecovered, dropped);
            logger.LogInformation("Dropped {Count} pending offer(s) of recovered cart {CartId}", dropped, context.Message.CartId);
        }
    }
}
