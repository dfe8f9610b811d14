using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace PartnerMesh.Outbox;

/// <summary>Relay and inbox telemetry: throughput, failures, parked rows and outbox lag (commit → broker).</summary>
public sealed class OutboxMetrics
{
    public const string MeterName = "PartnerMesh.Outbox";

    /// <summary>Redelivered messages the inbox skipped, tagged with the consumer.</summary>
    public const string DuplicatesInstrument = "partnermesh.inbox.duplicates";
    public static readonly ActivitySource ActivitySource = new("PartnerMesh.Outbox");

    private readonly Counter<long> _published;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _parked;
    private readonly Counter<long> _duplicates;
    private readonly Histogram<double> _lag;

    public OutboxMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _published = meter.CreateCounter<long>("partnermesh.outbox.published", "{message}", "Integration events relayed to the broker");
        _failed = meter.CreateCounter<long>("partnermesh.outbox.publish_failures", "{message}", "Failed publish attempts");
        _parked = meter.CreateCounter<long>("partnermesh.outbox.parked", "{message}", "Rows parked after too many attempts");
        _duplicates = meter.CreateCounter<long>(DuplicatesInstrument, "{message}", "Redelivered messages skipped by the inbox");
        _lag = meter.CreateHistogram<double>("partnermesh.outbox.lag", "s", "Time from commit to broker acknowledgement");
    }

    public void Published(string urn, TimeSpan lag)
    {
        var tag = new KeyValuePair<string, object?>("message.urn", urn);
        _published.Add(1, tag);
        _lag.Record(Math.Max(0, lag.TotalSeconds), tag);
    }

    public void Failed(string urn) => _failed.Add(1, new KeyValuePair<string, object?>("message.urn", urn));

    public void Parked(string urn) => _parked.Add(1, new KeyValuePair<string, object?>("message.urn", urn));

    public void Duplicate(string consumer) => _duplicates.Add(1, new KeyValuePair<string, object?>("consumer", consumer));
}
