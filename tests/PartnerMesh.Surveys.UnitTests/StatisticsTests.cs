using PartnerMesh.Surveys.Api.Insights;
using Xunit;

namespace PartnerMesh.Surveys.UnitTests;

public sealed class StatisticsTests
{
    [Fact]
    public void Wilson_MatchesTheTextbookValue()
    {
        // 8 of 10: Wilson 95 % interval 0.4902–0.9433.
        var share = Statistics.Wilson(8, 10)!;

        Assert.Equal(0.8, share.Value);
        Assert.Equal(0.4902, share.Low, 3);
        Assert.Equal(0.9433, share.High, 3);
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(10, 10)]
    [InlineData(1, 1)]
    public void Wilson_StaysInsideZeroAndOne(int successes, int total)
    {
        var share = Statistics.Wilson(successes, total)!;

        Assert.InRange(share.Low, 0, share.Value);
        Assert.InRange(share.High, share.Value, 1);
        Assert.True(share.High - share.Low > 0);
    }

    [Fact]
    public void Wilson_OfNothing_IsNull() => Assert.Null(Statistics.Wilson(0, 0));

    [Fact]
    public void Nps_IsPromotersMinusDetractors_WithTheDifferenceOfProportionsInterval()
    {
        // 3 promoters, 1 passive, 1 detractor of 5: NPS 40; Var = (0.6 + 0.2 − 0.16) / 5 = 0.128.
        var nps = Statistics.Nps([10, 10, 9, 7, 3])!;

        Assert.Equal(40, nps.Score);
        Assert.Equal((3, 1, 1), (nps.Promoters, nps.Passives, nps.Detractors));
        var half = 100 * Statistics.Z * Math.Sqrt(0.128);
        Assert.Equal(Math.Max(-100, 40 - half), nps.Low, 3);
        Assert.Equal(Math.Min(100, 40 + half), nps.High, 3);
    }

    [Fact]
    public void Nps_AllPromoters_Is100_IntervalClamped()
    {
        var nps = Statistics.Nps([9, 10, 10])!;

        Assert.Equal(100, nps.Score);
        Assert.Equal(100, nps.High);
        Assert.True(nps.Low <= 100);
    }

    [Fact]
    public void Csat_MeanWithInterval_AndSatisfiedShare()
    {
        var csat = Statistics.Csat([5, 4, 5, 3, 1])!;

        Assert.Equal(3.6, csat.Mean);
        Assert.True(csat.MeanLow < 3.6 && csat.MeanHigh > 3.6);
        Assert.InRange(csat.MeanLow, 1, 5);
        Assert.Equal(3, csat.Satisfied.Successes);
    }
}
