using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace PartnerMesh.Testing;

/// <summary>One measurement: the instrument's name, the value (<c>long</c> and <c>double</c> alike) and its tags.</summary>
public sealed record RecordedMeasurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags);

/// <summary>
/// Records, in order, the measurements of one meter's instruments (all of them when no names are given) that were
/// created by one host's <see cref="IMeterFactory"/>. Meters are keyed by their factory (<see cref="Meter.Scope"/>),
/// so parallel test classes, each with its own host, never see each other's numbers and tests can assert exact values.
/// </summary>
public sealed class MeasurementRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<RecordedMeasurement> _measurements = new();

    public MeasurementRecorder(IServiceProvider services, string meterName, params string[] instrumentNames)
    {
        var meterFactory = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == meterName
                && ReferenceEquals(instrument.Meter.Scope, meterFactory)
                && (instrumentNames.Length == 0 || instrumentNames.Contains(instrument.Name)))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>Everything recorded so far, in the order it was measured.</summary>
    public IReadOnlyList<RecordedMeasurement> Measurements => [.. _measurements];

    public IEnumerable<RecordedMeasurement> For(string instrument) => Measurements.Where(m => m.Instrument == instrument);

    /// <summary>The values carrying the tag <paramref name="key"/> = <paramref name="value"/>, of one instrument or of all.</summary>
    public IEnumerable<double> ValuesTagged(string key, object value, string? instrument = null) =>
        Measurements
            .Where(m => (instrument is null || m.Instrument == instrument) && m.Tags.TryGetValue(key, out var tag) && Equals(tag, value))
            .Select(m => m.Value);

    /// <summary>Asks the observable instruments (gauges) for their current values, which are then recorded like any other.</summary>
    public void RecordObservableInstruments() => _listener.RecordObservableInstruments();

    /// <summary>The last value recorded for <paramref name="instrument"/>, or <c>null</c> when none was.</summary>
    public double? Latest(string instrument) => For(instrument).Select(m => (double?)m.Value).LastOrDefault();

    /// <summary>The sum of the values of one instrument, or of all recorded ones.</summary>
    public double Sum(string? instrument = null) =>
        Measurements.Where(m => instrument is null || m.Instrument == instrument).Sum(m => m.Value);

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>(tags.Length, StringComparer.Ordinal);
        foreach (var (key, tagValue) in tags)
        {
            copy[key] = tagValue;
        }

        _measurements.Enqueue(new RecordedMeasurement(instrument.Name, value, copy));
    }
}
