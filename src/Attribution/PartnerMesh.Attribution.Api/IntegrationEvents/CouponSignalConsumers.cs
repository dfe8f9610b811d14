using MassTransit;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Attribution.Api.Common;
using PartnerMesh.Attribution.Api.Conversions;
using PartnerMesh.Attribution.Api.Infrastructure;
using PartnerMesh.Contracts.Coupons;
using PartnerMesh.Outbox;

namespace PartnerMesh.Attribution.Api.IntegrationEvents;

/// <summary>
/// Remembers whose partner code an order used, so coupon-code precedence can credit that partner when the storefront
/// reports the order; when the order was reported first, moves its credit now (<see cref="ConversionReattribution"/>).
/// Once per event: inbox.
/// </summary>
public sealed class CouponRedeemedConsumer(AttributionDbContext db, ConversionReattribution reattribution, TimeProvider timeProvider)
    : IConsumer<CouponRedeemed>
{
    public async Task Consume(ConsumeContext<CouponRedeemed> context)
    {
        var message = context.Message;
        if (message.PartnerId is null || !ConversionRules.IsValidOrderId(message.OrderId))
        {
            return;
        }

        await db.ExecuteOnceAsync(context, nameof(CouponRedeemedConsumer), async cancellationToken =>
        {
            var signal = await CouponSignals.FindOrAddAsync(db, message.OrderId, cancellationToken);
            signal.CodePartnerId = message.PartnerId;
            signal.Code = message.Code.Length > 64 ? message.Code[..64] : message.Code;
            signal.UpdatedAt = timeProvider.GetUtcNowForStorage();

            // PartnerId is the code's own partner unless coupons fell back to the traffic partner (then they are equal
            // and the code says nothing the order's clicks did not).
            if (message.PartnerId != message.TrafficPartnerId)
            {
                await reattribution.CreditCodePartnerAsync(
                    message.OrderId, message.PartnerId.Value, codeLeakSuspected: signal.LeakReason is not null, cancellationToken);
            }
        });
    }
}

/// <summary>A partner's code looked leaked for an order: the order's commission for that partner is held for review.</summary>
public sealed class CouponLeakSuspectedConsumer(AttributionDbContext db, CommissionLifecycle lifecycle, TimeProvider timeProvider) : IConsumer<CouponLeakSuspected>
{
    public async Task Consume(ConsumeContext<CouponLeakSuspected> context)
    {
        var message = context.Message;
        if (!ConversionRules.IsValidOrderId(message.OrderId))
        {
            return;
        }

        await db.ExecuteOnceAsync(context, nameof(CouponLeakSuspectedConsumer), async cancellationToken =>
        {
            var signal = await CouponSignals.FindOrAddAsync(db, message.OrderId, cancellationToken);
            signal.CodePartnerId ??= message.PartnerId;
            signal.Code ??= message.Code.Length > 64 ? message.Code[..64] : message.Code;
            signal.LeakReason = message.Reason.Length > 64 ? message.Reason[..64] : message.Reason;
            signal.UpdatedAt = timeProvider.GetUtcNowForStorage();
            await lifecycle.HoldForLeakAsync(message.OrderId, message.PartnerId, message.Reason, cancellationToken);
        });
    }
}

internal static class CouponSignals
{
    public static async Task<CouponSignal> FindOrAddAsync(AttributionDbContext db, string orderId, CancellationToken cancellationToken)
    {
        var signal = await db.CouponSignals.SingleOrDefaultAsync(s => s.OrderId == orderId, cancellationToken);
        if (signal is null)
        {
            signal = new CouponSignal { OrderId = orderId };
            db.CouponSignals.Add(signal);
        }

        return signal;
    }
}
