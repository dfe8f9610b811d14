using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace PartnerMesh.Outbox;

/// <summary>
/// Relay and inbox telemetry: throughput, failures, parked rows and outbox lag (commit → broker), and gauges of what
/// waits in the outbox, read from the status <see cref="OutboxStatusReporter{TDbContext}"/> refreshes. The gauges carry
/// no tags: the telemetry resource already names the service, and a service has one outbox.
/// </summary>
public sealed class OutboxMetrics
{
    public const string MeterName = "PartnerMesh.Outbox";

    /// <summary>Redelivered messages the inbox skipped, tagged with the consumer.</summary>
    public const string DuplicatesInstrument = "partnermesh.inbox.duplicates";

    /// <summary>Gauge: unpublished messages the relay still tries.</summary>
    public const string PendingInstrument = "partnermesh.outbox.pending";

    /// <summary>Gauge: messages currently parked, waiting for an operator to re-drive them.</summary>
    public const string ParkedRowsInstrument = "partnermesh.outbox.parked_rows";

    /// <summary>Gauge: age in seconds of the oldest pending message (0 when none is pending).</summary>
    public const string OldestPendingAgeInstrument = "partnermesh.outbox.oldest_pending_age";
    public static readonly ActivitySource ActivitySource = new("PartnerMesh.Outbox");

    private readonly Counter<long> _published;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _parked;
    private readonly Counter<long> _duplicates;
    private readonly Histogram<double> _lag;
    private OutboxStatus? _status;

    public OutboxMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _published = meter.CreateCounter<long>("partnermesh.outbox.published", "{message}", "Integration events relayed to the broker");
        _failed = meter.CreateCounter<long>("partnermesh.outbox.publish_failures", "{message}", "Failed publish attempts");
        _parked = meter.CreateCounter<long>("partnermesh.outbox.parked", "{message}", "Rows parked after too many attempts");
        _duplicates = meter.CreateCounter<long>(DuplicatesInstrument, "{message}", "Redelivered messages skipped by the inbox");
        _lag = meter.CreateHistogram<double>("partnermesh.outbox.lag", "s", "Time from commit to broker acknowledgement");
        meter.CreateObservableGauge(PendingInstrument, () => Observe(status => (long)status.Pending), "{message}",
            "Unpublished messages the relay still tries");
        meter.CreateObservableGauge(ParkedRowsInstrument, () => Observe(status => (long)status.Parked), "{message}",
            "Messages parked after too many attempts, waiting to be re-driven");
        meter.CreateObservableGauge(OldestPendingAgeInstrument, () => Observe(status => status.OldestPendingAgeSeconds ?? 0), "s",
            "Age of the oldest pending message (0 when none is pending)");
    }

    /// <summary>The latest outbox status for the gauges; <c>null</c> (unknown, e.g. the database is down) reports nothing.</summary>
    public void ReportStatus(OutboxStatus? status) => Volatile.Write(ref _status, status);

    public void Published(string urn, TimeSpan lag)
    {
        var tag = new KeyValuePair<string, object?>("message.urn", urn);
        _published.Add(1, tag);
        _lag.Record(Math.Max(0, lag.TotalSeconds), tag);
    }

    public void Failed(string urn) => _failed.Add(1, new KeyValuePair<string, object?>("message.urn", urn));

    public void Parked(string urn) => _parked.Add(1, new KeyValuePair<string, object?>("message.urn", urn));

    public void Duplicate(string consumer) => _duplicates.Add(1, new KeyValuePair<string, object?>("consumer", consumer));

    private IEnumerable<Measurement<T>> Observe<T>(Func<OutboxStatus, T> read)
        where T : struct =>
        Volatile.Read(ref _status) is { } status ? [new Measurement<T>(read(status))] : [];
}
