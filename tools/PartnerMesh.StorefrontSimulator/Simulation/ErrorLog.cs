using System.Collections.Concurrent;

namespace PartnerMesh.StorefrontSimulator.Simulation;

/// <summary>Counts errors per kind and prints the first few of each kind, so a broken system does not flood the terminal.</summary>
public sealed class ErrorLog(TextWriter log, int printedPerKind = 5)
{
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly Lock _writeGate = new();

    public long Total => _counts.Values.Sum();

    public IReadOnlyList<KeyValuePair<string, long>> ByKind =>
        _counts.OrderBy(pair => pair.Key, StringComparer.Ordinal).ToList();

    public void Report(string kind, string message)
    {
        var count = _counts.AddOrUpdate(kind, 1, (_, previous) => previous + 1);
        if (count > printedPerKind)
        {
            return;
        }

        lock (_writeGate)
        {
            log.WriteLine(count == printedPerKind
                ? $"error [{kind}] {message} (further '{kind}' errors are only counted)"
                : $"error [{kind}] {message}");
        }
    }
}
