using PartnerMesh.Attribution.Api.Programs;
using Xunit;

namespace PartnerMesh.Attribution.UnitTests;

public class CommissionCalculatorTests
{
    [Theory]
    [InlineData("100", "0.10", "10.00")]
    [InlineData("99.99", "0.125", "12.50")]
    [InlineData("0.05", "0.1", "0.01")]
    [InlineData("0.04", "0.1", "0.00")]
    [InlineData("10.25", "0.1", "1.03")]
    [InlineData("10000000", "0.9", "9000000.00")]
    [InlineData("0.01", "0.0001", "0.00")]
    public void Calculate_RoundsHalfAwayFromZeroToCents(string amount, string rate, string expected)
    {
        var commission = CommissionCalculator.Calculate(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), decimal.Parse(rate, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(expected, commission.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
