using MassTransit;
using PartnerMesh.Attribution.Api.Common;
using PartnerMesh.Attribution.Api.Conversions;
using PartnerMesh.Attribution.Api.Infrastructure;
using PartnerMesh.Contracts.Coupons;
using PartnerMesh.Outbox;
using PartnerMesh.ServiceDefaults.Orders;

namespace PartnerMesh.Attribution.Api.IntegrationEvents;

/// <summary>
/// Remembers whose partner code an order used and when, so coupon-code precedence can credit that partner when the
/// storefront reports the order; when the order was reported first, moves its credit now (<see cref="ConversionReattribution"/>).
/// A code of nobody's (coupons named only the traffic partner) is not remembered. Once per event: inbox.
/// </summary>
public sealed class CouponRedeemedConsumer(AttributionDbContext db, ConversionReattribution reattribution, TimeProvider timeProvider)
    : IConsumer<CouponRedeemed>
{
    public async Task Consume(ConsumeContext<CouponRedeemed> context)
    {
        var message = context.Message;
        // Events from before CodePartnerId existed: a partner other than the traffic's can only be the code's own.
        var codePartner = message.CodePartnerId ?? (message.PartnerId != message.TrafficPartnerId ? message.PartnerId : null);
        if (codePartner is null || !OrderIds.IsValid(message.OrderId))
        {
            return;
        }

        await db.ExecuteOnceAsync(context, nameof(CouponRedeemedConsumer), async cancellationToken =>
        {
            await CouponSignals.LockOrderAsync(db, message.OrderId, cancellationToken);
            await Remember(db, message.OrderId, codePartner.Value, message.Code, message.OccurredAt, timeProvider, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await reattribution.CreditCodePartnerAsync(message.OrderId, cancellationToken);
        });
    }

    /// <summary>The order redeemed the partner's code at <paramref name="redeemedAt"/> (the earliest such time is kept).</summary>
    internal static async Task<CouponSignal> Remember(
        AttributionDbContext db, string orderId, Guid codePartner, string code, DateTimeOffset redeemedAt, TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        var signal = await CouponSignals.FindOrAddAsync(db, orderId, codePartner, cancellationToken);
        var at = redeemedAt.ForStorage();
        if (signal.RedeemedAt is null || at < signal.RedeemedAt)
        {
            signal.RedeemedAt = at;
            signal.Code = code.Length > 64 ? code[..64] : code;
        }

        signal.UpdatedAt = timeProvider.GetUtcNowForStorage();
        return signal;
    }
}

/// <summary>
/// A partner's code looked leaked for an order: the order's commission for that partner is held for review. The event
/// also says the order redeemed that code (coupons publishes it with <see cref="CouponRedeemed"/>, at the same time), so
/// whichever of the two lands first, the order's code partner is the same.
/// </summary>
public sealed class CouponLeakSuspectedConsumer(
    AttributionDbContext db, CommissionLifecycle lifecycle, ConversionReattribution reattribution, TimeProvider timeProvider)
    : IConsumer<CouponLeakSuspected>
{
    public async Task Consume(ConsumeContext<CouponLeakSuspected> context)
    {
        var message = context.Message;
        if (!OrderIds.IsValid(message.OrderId))
        {
            return;
        }

        await db.ExecuteOnceAsync(context, nameof(CouponLeakSuspectedConsumer), async cancellationToken =>
        {
            // The order's signals one at a time: a CouponRedeemed for the same code either committed its booking (held
            // here) or runs after this commits (and books held).
            await CouponSignals.LockOrderAsync(db, message.OrderId, cancellationToken);
            var signal = await CouponRedeemedConsumer.Remember(
                db, message.OrderId, message.PartnerId, message.Code, message.OccurredAt, timeProvider, cancellationToken);
            signal.LeakReason = message.Reason.Length > 64 ? message.Reason[..64] : message.Reason;
            await lifecycle.HoldForLeakAsync(message.OrderId, message.PartnerId, message.Reason, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await reattribution.CreditCodePartnerAsync(message.OrderId, cancellationToken);
        });
    }
}
