using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>
/// Collects the measurements of one instrument created by one host's <see cref="IMeterFactory"/>, so parallel test
/// classes (each with its own host) never see each other's numbers.
/// </summary>
internal sealed class MeasurementRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(double Value, KeyValuePair<string, object?>[] Tags)> _measurements = new();

    public MeasurementRecorder(IServiceProvider services, string meterName, string instrumentName)
    {
        var meterFactory = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == meterName && instrument.Name == instrumentName && ReferenceEquals(instrument.Meter.Scope, meterFactory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, value, tags, _) => _measurements.Enqueue((value, tags.ToArray())));
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) => _measurements.Enqueue((value, tags.ToArray())));
        _listener.Start();
    }

    public IReadOnlyList<(double Value, KeyValuePair<string, object?>[] Tags)> Measurements => [.. _measurements];

    public IEnumerable<double> ValuesTagged(string key, object value) =>
        Measurements.Where(m => m.Tags.Any(tag => tag.Key == key && Equals(tag.Value, value))).Select(m => m.Value);

    public void Dispose() => _listener.Dispose();
}
