using MassTransit;
using PartnerMesh.Analytics.Api.Aggregation;
using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.Analytics.Api.Kpis;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Outbox;

namespace PartnerMesh.Analytics.Api.IntegrationEvents;

/// <summary>
/// Counts a click on the partner's UTC day of the click, once per click id (a redelivered message is dropped by the
/// inbox, a republished one by the click's row), with any orders from it that arrived first.
/// </summary>
public sealed class RecordClickConsumer(AnalyticsDbContext db, AnalyticsMetrics metrics, AggregationSignal signal, TimeProvider timeProvider)
    : IConsumer<ClickRecorded>
{
    public async Task Consume(ConsumeContext<ClickRecorded> context)
    {
        var click = context.Message;
        var counted = false;
        var applied = await db.ExecuteOnceAsync(context, nameof(RecordClickConsumer), async ct =>
        {
            counted = await db.AddClickAsync(click.ClickId, click.PartnerId, KpiStore.UtcDay(click.OccurredAt), timeProvider.GetUtcNow(), ct);
            await db.AppendAsync(EventSources.Bus, [($"click-recorded:{click.ClickId}", new AnalyticsEvent
            {
                Type = EventTypes.ClickRecorded,
                OccurredAt = click.OccurredAt,
                ClickId = click.ClickId,
                PartnerId = click.PartnerId,
                VisitorId = click.VisitorId,
                UtmSource = click.UtmSource?.ToLowerInvariant(),
                UtmMedium = click.UtmMedium?.ToLowerInvariant(),
                UtmCampaign = click.UtmCampaign,
            })], timeProvider.GetUtcNow(), ct);
        });

        if (applied)
        {
            signal.Notify();
            if (counted)
            {
                metrics.ClickIngested();
            }

            metrics.EventApplied("click-recorded", timeProvider.GetUtcNow() - click.OccurredAt);
        }
    }
}
