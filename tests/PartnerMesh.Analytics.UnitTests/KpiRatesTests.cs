using PartnerMesh.Analytics.Api.Kpis;
using Xunit;

namespace PartnerMesh.Analytics.UnitTests;

public class KpiRatesTests
{
    [Theory]
    [InlineData(0L, 0L, null)]
    [InlineData(0L, 4L, "0")]
    [InlineData(1L, 6L, "0.1667")]
    [InlineData(2L, 3L, "0.6667")]
    [InlineData(4L, 4L, "1")]
    public void Ratio_IsRoundedToFourPlaces_AndNullWithoutADenominator(long numerator, long denominator, string? expected)
    {
        Assert.Equal(expected is null ? null : decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), KpiRates.Ratio(numerator, denominator));
    }

    [Fact]
    public void ConversionRate_OfOneClickWithNineOrders_Is1_AndOrdersPerClickIs9()
    {
        Assert.Equal(1m, KpiRates.ConversionRate(convertedClicks: 1, clicks: 1));
        Assert.Equal(9m, KpiRates.OrdersPerClick(ordersFromClicks: 9, clicks: 1));
    }

    [Theory]
    [InlineData(0L, 0L, 0L, null)]
    [InlineData(10L, 0L, 10L, "100")]
    [InlineData(0L, 10L, 10L, "-100")]
    [InlineData(5L, 2L, 10L, "30")]
    [InlineData(1L, 1L, 3L, "0")]
    [InlineData(2L, 0L, 3L, "66.7")]
    public void NetPromoterScore_IsPromotersMinusDetractorsOverAnswers(long promoters, long detractors, long responses, string? expected)
    {
        Assert.Equal(expected is null ? null : decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), KpiRates.NetPromoterScore(promoters, detractors, responses));
    }

    [Fact]
    public void MoneyRatio_AndAverageOrderValue_AreNullWithoutADenominator()
    {
        Assert.Null(KpiRates.Ratio(5m, 0m));
        Assert.Equal(0.3333m, KpiRates.Ratio(1m, 3m));
        Assert.Null(KpiRates.AverageOrderValueOrNull(0m, 0, "EUR"));
        Assert.Equal(33.33m, KpiRates.AverageOrderValueOrNull(100m, 3, "EUR"));
    }

    [Theory]
    [InlineData("JPY", "1370", 3L, "457")]
    [InlineData("KWD", "2.011", 2L, "1.006")]
    [InlineData("KWD", "1.006", 1L, "1.006")]
    [InlineData("EUR", "100", 3L, "33.33")]
    [InlineData("CLF", "1", 3L, "0.3333")]
    [InlineData("XXX", "100", 3L, "33.33")]
    public void AverageOrderValue_IsRoundedToTheCurrencysMinorUnit(string currency, string revenue, long orders, string expected)
    {
        var (money, average) = (decimal.Parse(revenue, System.Globalization.CultureInfo.InvariantCulture), decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(average, KpiRates.AverageOrderValueOrNull(money, orders, currency));
        Assert.Equal(average, KpiRates.AverageOrderValue(money, orders, currency));
    }
}
