using MassTransit;
using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.Analytics.Api.Kpis;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Outbox;

namespace PartnerMesh.Analytics.Api.IntegrationEvents;

/// <summary>
/// Counts an order, and adds its revenue and commission to the sales in its currency, on the partner's UTC day of the
/// order (not of the attribution, which may come days later), so conversion rates compare clicks and orders of the same day.
/// </summary>
public sealed class RecordConversionConsumer(AnalyticsDbContext db, AnalyticsMetrics metrics, TimeProvider timeProvider)
    : IConsumer<ConversionAttributed>
{
    public async Task Consume(ConsumeContext<ConversionAttributed> context)
    {
        var conversion = context.Message;
        var day = KpiStore.UtcDay(conversion.OrderedAt);
        var applied = await db.ExecuteOnceAsync(context, nameof(RecordConversionConsumer), async ct =>
        {
            var now = timeProvider.GetUtcNow();
            await db.AddToDailyKpisAsync(conversion.PartnerId, day, KpiIncrement.Order, now, ct);
            await db.AddToDailySalesAsync(
                conversion.PartnerId, day, conversion.Currency.ToUpperInvariant(), conversion.OrderAmount, conversion.CommissionAmount, now, ct);
        });

        if (applied)
        {
            metrics.ConversionIngested();
            metrics.EventApplied("conversion-attributed", timeProvider.GetUtcNow() - conversion.OccurredAt);
        }
    }
}
