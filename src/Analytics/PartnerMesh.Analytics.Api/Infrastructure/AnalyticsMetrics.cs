using System.Diagnostics.Metrics;

namespace PartnerMesh.Analytics.Api.Infrastructure;

/// <summary>Ingestion telemetry: how many facts were applied and how far behind the events they were applied.</summary>
public sealed class AnalyticsMetrics
{
    public const string MeterName = "PartnerMesh.Analytics";
    public const string EventLagInstrument = "partnermesh.analytics.event_lag";
    public const string ClicksIngestedInstrument = "partnermesh.analytics.clicks_ingested";
    public const string ConversionsIngestedInstrument = "partnermesh.analytics.conversions_ingested";
    public const string AggregationStageInstrument = "partnermesh.analytics.aggregation_stage_duration";

    private readonly Histogram<double> _eventLag;
    private readonly Counter<long> _clicks;
    private readonly Counter<long> _conversions;
    private readonly Counter<long> _behaviourEvents;
    private readonly Counter<long> _aggregated;
    private readonly Histogram<double> _aggregationStage;

    public AnalyticsMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _eventLag = meter.CreateHistogram<double>(EventLagInstrument, "s", "Time from an event's OccurredAt to its effect on the KPIs");
        _clicks = meter.CreateCounter<long>(ClicksIngestedInstrument, "{click}", "Clicks counted into the KPIs");
        _conversions = meter.CreateCounter<long>(ConversionsIngestedInstrument, "{conversion}", "Conversions counted into the KPIs");
        _behaviourEvents = meter.CreateCounter<long>("partnermesh.analytics.behaviour_events", "{event}", "Storefront events received, by result (accepted, duplicate, rejected)");
        _aggregated = meter.CreateCounter<long>("partnermesh.analytics.events_aggregated", "{event}", "Log events applied to the KPI aggregates");
        _aggregationStage = meter.CreateHistogram<double>(AggregationStageInstrument, "ms", "Time an aggregation batch spends per stage (lock, read (and mark), load, project, facts, outbox, counters, commit)");
    }

    public void EventApplied(string eventName, TimeSpan lag) =>
        _eventLag.Record(Math.Max(0, lag.TotalSeconds), new KeyValuePair<string, object?>("event", eventName));

    public void ClickIngested() => _clicks.Add(1);

    public void ConversionIngested() => _conversions.Add(1);

    public void BatchIngested(int accepted, int duplicates, int rejected)
    {
        _behaviourEvents.Add(accepted, new KeyValuePair<string, object?>("result", "accepted"));
        _behaviourEvents.Add(duplicates, new KeyValuePair<string, object?>("result", "duplicate"));
        _behaviourEvents.Add(rejected, new KeyValuePair<string, object?>("result", "rejected"));
    }

    public void Aggregated(int events) => _aggregated.Add(events);

    public void AggregationStage(string stage, TimeSpan duration) =>
        _aggregationStage.Record(duration.TotalMilliseconds, new KeyValuePair<string, object?>("stage", stage));
}
