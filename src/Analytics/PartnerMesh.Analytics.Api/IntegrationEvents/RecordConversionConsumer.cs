using MassTransit;
using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.Analytics.Api.Kpis;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Outbox;

namespace PartnerMesh.Analytics.Api.IntegrationEvents;

/// <summary>
/// Counts an order, and adds its revenue and commission to the sales in its currency, on the partner's UTC day of the
/// order (not of the attribution, which may come days later). An order from a click also counts on the click's day,
/// where the conversion rate and orders per click compare it with the clicks it came from.
/// </summary>
public sealed class RecordConversionConsumer(AnalyticsDbContext db, AnalyticsMetrics metrics, TimeProvider timeProvider)
    : IConsumer<ConversionAttributed>
{
    public async Task Consume(ConsumeContext<ConversionAttributed> context)
    {
        var conversion = context.Message;
        var applied = await db.ExecuteOnceAsync(context, nameof(RecordConversionConsumer), ct =>
            db.AddOrderAsync(
                conversion.PartnerId,
                KpiStore.UtcDay(conversion.OrderedAt),
                conversion.ClickId,
                conversion.Currency.ToUpperInvariant(),
                conversion.OrderAmount,
                conversion.CommissionAmount,
                timeProvider.GetUtcNow(),
                ct));

        if (applied)
        {
            metrics.ConversionIngested();
            metrics.EventApplied("conversion-attributed", timeProvider.GetUtcNow() - conversion.OccurredAt);
        }
    }
}
