using MassTransit;
using PartnerMesh.Analytics.Api.Aggregation;
using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.Analytics.Api.Kpis;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Outbox;

namespace PartnerMesh.Analytics.Api.IntegrationEvents;

/// <summary>
/// Counts clicks on the partner's UTC day of each click, once per click id (a redelivered message is dropped by the
/// inbox, a republished one by the click's row), with any orders from them that arrived first. Clicks come in batches:
/// at click-stream rates, one transaction per click would queue every consumer on the partner's day row, one commit at a
/// time; a batch adds its clicks to each partner day in one increment.
/// </summary>
public sealed class RecordClicksConsumer(AnalyticsDbContext db, AnalyticsMetrics metrics, AggregationSignal signal, TimeProvider timeProvider)
    : IConsumer<Batch<ClickRecorded>>
{
    public const int MaxBatchSize = 200;

    public async Task Consume(ConsumeContext<Batch<ClickRecorded>> context)
    {
        IReadOnlyList<Guid> counted = [];
        var applied = await db.ExecuteOnceAsync(context, nameof(RecordClicksConsumer), async (messages, ct) =>
        {
            var now = timeProvider.GetUtcNow();
            var clicks = messages.Select(message => message.Message).ToList();
            counted = await db.AddClicksAsync(
                [.. clicks.Select(click => (click.ClickId, click.PartnerId, KpiStore.UtcDay(click.OccurredAt)))], now, ct);
            await db.AppendAsync(EventSources.Bus, [.. clicks.Select(click => ($"click-recorded:{click.ClickId}", new AnalyticsEvent
            {
                Type = EventTypes.ClickRecorded,
                OccurredAt = click.OccurredAt,
                ClickId = click.ClickId,
                PartnerId = click.PartnerId,
                VisitorId = click.VisitorId,
                UtmSource = DimensionValues.TakeIn(click.UtmSource),
                UtmMedium = DimensionValues.TakeIn(click.UtmMedium),
                UtmCampaign = DimensionValues.TakeIn(click.UtmCampaign),
            }))], now, ct);
        });

        if (applied.Count > 0)
        {
            signal.Notify();
            var now = timeProvider.GetUtcNow();
            foreach (var message in applied)
            {
                metrics.EventApplied("click-recorded", now - message.Message.OccurredAt);
            }

            for (var index = 0; index < counted.Count; index++)
            {
                metrics.ClickIngested();
            }
        }
    }
}

/// <summary>Batches of up to <see cref="RecordClicksConsumer.MaxBatchSize"/> clicks, or what arrived within 50 ms, two at a time.</summary>
public sealed class RecordClicksConsumerDefinition : ConsumerDefinition<RecordClicksConsumer>
{
    private const int ConcurrentBatches = 2;

    public RecordClicksConsumerDefinition() =>
        Endpoint(endpoint => endpoint.PrefetchCount = RecordClicksConsumer.MaxBatchSize * ConcurrentBatches);

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<RecordClicksConsumer> consumerConfigurator,
        IRegistrationContext context) =>
        consumerConfigurator.Options<BatchOptions>(options => options
            .SetMessageLimit(RecordClicksConsumer.MaxBatchSize)
            .SetTimeLimit(TimeSpan.FromMilliseconds(50))
            .SetConcurrencyLimit(ConcurrentBatches));
}
