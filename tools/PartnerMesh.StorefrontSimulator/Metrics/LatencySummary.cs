namespace PartnerMesh.StorefrontSimulator.Metrics;

/// <summary>Count and distribution of a set of latencies in milliseconds (NaN figures when there are no samples).</summary>
public sealed record LatencySummary(int Count, double P50, double P95, double P99, double Max, double Mean)
{
    public static readonly LatencySummary Empty = new(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);

    public static LatencySummary From(IEnumerable<double> samplesMs)
    {
        ArgumentNullException.ThrowIfNull(samplesMs);
        var sorted = samplesMs.ToArray();
        if (sorted.Length == 0)
        {
            return Empty;
        }

        Array.Sort(sorted);
        return new LatencySummary(
            sorted.Length,
            Percentiles.OfSorted(sorted, 50),
            Percentiles.OfSorted(sorted, 95),
            Percentiles.OfSorted(sorted, 99),
            sorted[^1],
            sorted.Average());
    }
}
