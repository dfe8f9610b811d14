using PartnerMesh.Analytics.Api;
using PartnerMesh.Analytics.Api.Aggregation;
using Xunit;

namespace PartnerMesh.Analytics.UnitTests;

/// <summary>The aggregator's batch grows while it is behind and shrinks back once it has caught up.</summary>
public class AggregationBatchSizeTests
{
    private static readonly AnalyticsOptions Settings = new() { AggregationBatchSize = 2000, AggregationMaxBatchSize = 8000 };

    [Theory]
    [InlineData(2000, 2000, 4000)] // full: behind, twice as many next
    [InlineData(4000, 4000, 8000)]
    [InlineData(8000, 8000, 8000)] // capped at the maximum
    [InlineData(8000, 7999, 2000)] // partial: caught up, back to the normal size
    [InlineData(4000, 10, 2000)]
    [InlineData(1, 1, 2000)] // the one-event retry after a failure goes back to the normal size
    [InlineData(2000, 0, 2000)]
    public void NextBatchSize_DoublesAfterAFullBatch_UpToTheMaximum_AndResetsAfterAPartialOne(int limit, int applied, int expected) =>
        Assert.Equal(expected, AggregationWorker.NextBatchSize(limit, applied, Settings));

    [Fact]
    public void NextBatchSize_AMaximumBelowTheNormalSize_KeepsTheNormalSize() =>
        Assert.Equal(2000, AggregationWorker.NextBatchSize(2000, 2000, new AnalyticsOptions { AggregationBatchSize = 2000, AggregationMaxBatchSize = 500 }));
}
