using MassTransit;
using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.Analytics.Api.Kpis;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Outbox;

namespace PartnerMesh.Analytics.Api.IntegrationEvents;

/// <summary>
/// Counts an order, its revenue and its commission on the partner's UTC day of the order (not of the attribution, which
/// may come days later), so conversion rates compare clicks and orders of the same day.
/// </summary>
public sealed class RecordConversionConsumer(AnalyticsDbContext db, AnalyticsMetrics metrics, TimeProvider timeProvider)
    : IConsumer<ConversionAttributed>
{
    public async Task Consume(ConsumeContext<ConversionAttributed> context)
    {
        var conversion = context.Message;
        var increment = KpiIncrement.Conversion(conversion.OrderAmount, conversion.CommissionAmount);
        var applied = await db.ExecuteOnceAsync(context, nameof(RecordConversionConsumer), ct =>
            db.AddToDailyKpisAsync(conversion.PartnerId, KpiStore.UtcDay(conversion.OrderedAt), increment, timeProvider.GetUtcNow(), ct));

        if (applied)
        {
            metrics.ConversionIngested();
            metrics.EventApplied("conversion-attributed", timeProvider.GetUtcNow() - conversion.OccurredAt);
        }
    }
}
