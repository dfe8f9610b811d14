using PartnerMesh.StorefrontSimulator.Metrics;
using Xunit;

namespace PartnerMesh.StorefrontSimulator.UnitTests;

public class PercentilesTests
{
    private static readonly double[] OneToHundred = Enumerable.Range(1, 100).Select(i => (double)i).ToArray();

    [Theory]
    [InlineData(50, 50)]
    [InlineData(95, 95)]
    [InlineData(99, 99)]
    [InlineData(100, 100)]
    [InlineData(1, 1)]
    [InlineData(0.5, 1)]
    public void OfSorted_OneToHundred_IsNearestRank(double percentile, double expected)
    {
        Assert.Equal(expected, Percentiles.OfSorted(OneToHundred, percentile));
    }

    [Fact]
    public void OfSorted_TwentySamples_P95IsTheNineteenth()
    {
        var samples = Enumerable.Range(1, 20).Select(i => i * 10.0).ToArray();

        Assert.Equal(190, Percentiles.OfSorted(samples, 95));
    }

    [Fact]
    public void OfSorted_SingleSample_IsThatSampleForEveryPercentile()
    {
        double[] samples = [42.5];

        Assert.Equal(42.5, Percentiles.OfSorted(samples, 50));
        Assert.Equal(42.5, Percentiles.OfSorted(samples, 99));
    }

    [Fact]
    public void OfSorted_NoSamples_IsNaN()
    {
        Assert.True(double.IsNaN(Percentiles.OfSorted([], 50)));
    }

    [Fact]
    public void OfSorted_EvenCount_P50IsTheLowerMiddle()
    {
        Assert.Equal(2, Percentiles.OfSorted([1, 2, 3, 4], 50));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(100.1)]
    public void OfSorted_PercentileOutOfRange_Throws(double percentile)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentiles.OfSorted(OneToHundred, percentile));
    }

    [Fact]
    public void Of_UnsortedSamples_SortsFirst()
    {
        double[] samples = [9, 1, 7, 3, 5];

        Assert.Equal(5, Percentiles.Of(samples, 50));
        Assert.Equal(9, Percentiles.Of(samples, 99));
        Assert.Equal([9, 1, 7, 3, 5], samples);
    }

    [Fact]
    public void Summary_From_ComputesCountPercentilesMaxAndMean()
    {
        var summary = LatencySummary.From(OneToHundred.Reverse());

        Assert.Equal(100, summary.Count);
        Assert.Equal(50, summary.P50);
        Assert.Equal(95, summary.P95);
        Assert.Equal(99, summary.P99);
        Assert.Equal(100, summary.Max);
        Assert.Equal(50.5, summary.Mean);
    }

    [Fact]
    public void Summary_FromNoSamples_IsEmpty()
    {
        var summary = LatencySummary.From([]);

        Assert.Equal(0, summary.Count);
        Assert.True(double.IsNaN(summary.P95));
    }

    [Fact]
    public void Recorder_TakeInterval_ResetsIntervalButKeepsTotals()
    {
        var recorder = new LatencyRecorder();
        recorder.Record("click", TimeSpan.FromMilliseconds(10));
        recorder.Record("click", TimeSpan.FromMilliseconds(30));
        recorder.Record("order", TimeSpan.FromMilliseconds(20));

        var first = recorder.TakeInterval();
        recorder.Record("click", TimeSpan.FromMilliseconds(50));
        var second = recorder.TakeInterval();

        Assert.Equal(["click", "order"], first.Select(entry => entry.CallType));
        Assert.Equal(2, first[0].Summary.Count);
        Assert.Equal(1, second[0].Summary.Count);
        Assert.Equal(0, second[1].Summary.Count);
        Assert.Equal(3, recorder.TotalFor("click").Count);
        Assert.Equal(50, recorder.TotalFor("click").Max);
        Assert.Equal(0, recorder.TotalFor("unknown").Count);
    }
}
