using MassTransit;
using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.Analytics.Api.Kpis;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Outbox;

namespace PartnerMesh.Analytics.Api.IntegrationEvents;

/// <summary>Counts a click on the partner's UTC day of the click; a redelivered message counts once (inbox).</summary>
public sealed class RecordClickConsumer(AnalyticsDbContext db, AnalyticsMetrics metrics, TimeProvider timeProvider)
    : IConsumer<ClickRecorded>
{
    public async Task Consume(ConsumeContext<ClickRecorded> context)
    {
        var click = context.Message;
        var applied = await db.ExecuteOnceAsync(context, nameof(RecordClickConsumer), ct =>
            db.AddToDailyKpisAsync(click.PartnerId, KpiStore.UtcDay(click.OccurredAt), KpiIncrement.Click, timeProvider.GetUtcNow(), ct));

        if (applied)
        {
            metrics.ClickIngested();
            metrics.EventApplied("click-recorded", timeProvider.GetUtcNow() - click.OccurredAt);
        }
    }
}
