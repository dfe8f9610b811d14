namespace PartnerMesh.StorefrontSimulator.Metrics;

/// <summary>Nearest-rank percentiles: the smallest sample such that at least p % of the samples are less or equal.</summary>
public static class Percentiles
{
    /// <param name="sorted">Samples in ascending order.</param>
    /// <param name="percentile">In (0, 100].</param>
    /// <returns>The percentile, or NaN when there are no samples.</returns>
    public static double OfSorted(IReadOnlyList<double> sorted, double percentile)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(percentile);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);

        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        // Rank = ceil(p/100 * n), computed with a small tolerance so that 95 % of 20 samples is rank 19, not 20 because of
        // floating point noise.
        var rank = (int)Math.Ceiling((percentile / 100.0 * sorted.Count) - 1e-9);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }

    public static double Of(IEnumerable<double> samples, double percentile)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var sorted = samples.ToArray();
        Array.Sort(sorted);
        return OfSorted(sorted, percentile);
    }
}
