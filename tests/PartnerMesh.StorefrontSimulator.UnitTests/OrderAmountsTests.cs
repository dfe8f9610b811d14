using PartnerMesh.StorefrontSimulator.Metrics;
using PartnerMesh.StorefrontSimulator.Simulation;
using Xunit;

namespace PartnerMesh.StorefrontSimulator.UnitTests;

public class OrderAmountsTests
{
    [Fact]
    public void FromStandardNormal_Zero_IsTheMedian()
    {
        Assert.Equal(60.00m, OrderAmounts.FromStandardNormal(0));
    }

    [Fact]
    public void FromStandardNormal_Extremes_AreClamped()
    {
        Assert.Equal(OrderAmounts.Smallest, OrderAmounts.FromStandardNormal(-20));
        Assert.Equal(OrderAmounts.Largest, OrderAmounts.FromStandardNormal(20));
    }

    [Fact]
    public void Next_ManyDraws_MedianNear60AndSkewedRight()
    {
        var random = new Random(1234);
        var amounts = Enumerable.Range(0, 20_000).Select(_ => (double)OrderAmounts.Next(random)).ToArray();

        var median = Percentiles.Of(amounts, 50);
        Assert.InRange(median, 57, 63);
        Assert.True(amounts.Average() > median, "a log-normal's mean lies above its median");
        Assert.All(amounts, amount => Assert.InRange(amount, (double)OrderAmounts.Smallest, (double)OrderAmounts.Largest));
        Assert.All(amounts, amount => Assert.Equal(Math.Round(amount, 2), amount));
    }
}
