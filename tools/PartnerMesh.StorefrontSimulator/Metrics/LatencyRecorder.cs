namespace PartnerMesh.StorefrontSimulator.Metrics;

/// <summary>
/// Thread-safe latency samples per call type, for the whole run and for the interval since the last status line.
/// </summary>
public sealed class LatencyRecorder
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<double>> _all = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<double>> _interval = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    public void Record(string callType, TimeSpan latency)
    {
        ArgumentException.ThrowIfNullOrEmpty(callType);
        var ms = latency.TotalMilliseconds;
        lock (_gate)
        {
            if (!_all.TryGetValue(callType, out var all))
            {
                all = [];
                _all[callType] = all;
                _interval[callType] = [];
                _order.Add(callType);
            }

            all.Add(ms);
            _interval[callType].Add(ms);
        }
    }

    /// <summary>Summaries since the previous call (or the start), in the order call types were first seen; resets them.</summary>
    public IReadOnlyList<(string CallType, LatencySummary Summary)> TakeInterval()
    {
        lock (_gate)
        {
            var result = new List<(string, LatencySummary)>(_order.Count);
            foreach (var callType in _order)
            {
                var samples = _interval[callType];
                result.Add((callType, LatencySummary.From(samples)));
                samples.Clear();
            }

            return result;
        }
    }

    /// <summary>Summaries of the whole run, in the order call types were first seen.</summary>
    public IReadOnlyList<(string CallType, LatencySummary Summary)> Totals()
    {
        lock (_gate)
        {
            return _order.Select(callType => (callType, LatencySummary.From(_all[callType]))).ToList();
        }
    }

    public LatencySummary TotalFor(string callType)
    {
        lock (_gate)
        {
            return _all.TryGetValue(callType, out var samples) ? LatencySummary.From(samples) : LatencySummary.Empty;
        }
    }
}
