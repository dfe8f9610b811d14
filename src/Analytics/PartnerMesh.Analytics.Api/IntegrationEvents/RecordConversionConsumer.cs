using MassTransit;
using PartnerMesh.Analytics.Api.Aggregation;
using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.Analytics.Api.Kpis;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Outbox;

namespace PartnerMesh.Analytics.Api.IntegrationEvents;

/// <summary>
/// Counts an order, and adds its revenue and commission to the sales in its currency, on the partner's UTC day of the
/// order (not of the attribution, which may come days later), once per order id. An order from a click also counts on the click's day,
/// where the conversion rate and orders per click compare it with the clicks it came from.
/// </summary>
public sealed class RecordConversionConsumer(AnalyticsDbContext db, AnalyticsMetrics metrics, AggregationSignal signal, TimeProvider timeProvider)
    : IConsumer<ConversionAttributed>
{
    public async Task Consume(ConsumeContext<ConversionAttributed> context)
    {
        var conversion = context.Message;
        var applied = await db.ExecuteOnceAsync(context, nameof(RecordConversionConsumer), async ct =>
        {
            await db.AddOrderAsync(
                conversion.OrderId,
                conversion.PartnerId,
                KpiStore.UtcDay(conversion.OrderedAt),
                conversion.ClickId,
                conversion.Currency.ToUpperInvariant(),
                conversion.OrderAmount,
                conversion.CommissionAmount,
                conversion.CommissionCurrency?.ToUpperInvariant(),
                timeProvider.GetUtcNow(),
                ct);
            await db.AppendAsync(EventSources.Bus, [($"conversion-attributed:{conversion.ConversionId}", new AnalyticsEvent
            {
                Type = EventTypes.ConversionAttributed,
                OccurredAt = conversion.OrderedAt,
                OrderId = conversion.OrderId,
                ClickId = conversion.ClickId,
                PartnerId = conversion.PartnerId,
                Amount = conversion.OrderAmount,
                Currency = conversion.Currency.ToUpperInvariant(),
                Commission = conversion.CommissionAmount,
                CommissionCurrency = conversion.CommissionCurrency?.ToUpperInvariant(),
            })], timeProvider.GetUtcNow(), ct);
        });

        if (applied)
        {
            signal.Notify();
            metrics.ConversionIngested();
            metrics.EventApplied("conversion-attributed", timeProvider.GetUtcNow() - conversion.OccurredAt);
        }
    }
}
