using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace PartnerMesh.Messaging;

/// <summary>
/// Gauges of the messages waiting in MassTransit's <c>&lt;queue&gt;_error</c> (a consumer failed every retry) and
/// <c>&lt;queue&gt;_skipped</c> (no consumer for the message type) queues of this service's receive endpoints, tagged
/// <c>queue</c> with the measured queue's name. Values come from <see cref="ErrorQueueDepthReporter"/>; a queue not read
/// yet reports nothing, and the last value read is kept while the broker cannot be reached.
/// </summary>
public sealed class ErrorQueueMetrics
{
    public const string MeterName = "PartnerMesh.Messaging";

    /// <summary>Gauge: messages in a receive endpoint's <c>_error</c> queue.</summary>
    public const string ErrorQueueDepthInstrument = "partnermesh.messaging.error_queue.depth";

    /// <summary>Gauge: messages in a receive endpoint's <c>_skipped</c> queue.</summary>
    public const string SkippedQueueDepthInstrument = "partnermesh.messaging.skipped_queue.depth";

    public const string QueueTag = "queue";

    private readonly ConcurrentDictionary<string, long> _errorDepths = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _skippedDepths = new(StringComparer.Ordinal);

    public ErrorQueueMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableGauge(ErrorQueueDepthInstrument, () => Observe(_errorDepths), "{message}",
            "Messages a consumer failed to process after every retry, waiting in its endpoint's _error queue");
        meter.CreateObservableGauge(SkippedQueueDepthInstrument, () => Observe(_skippedDepths), "{message}",
            "Messages no consumer of the endpoint handles, waiting in its _skipped queue");
    }

    internal void ReportErrorQueue(string errorQueue, long depth) => _errorDepths[errorQueue] = depth;

    internal void ReportSkippedQueue(string skippedQueue, long depth) => _skippedDepths[skippedQueue] = depth;

    private static IEnumerable<Measurement<long>> Observe(ConcurrentDictionary<string, long> depths) =>
        depths.Select(depth => new Measurement<long>(depth.Value, new KeyValuePair<string, object?>(QueueTag, depth.Key)));
}
