using PartnerMesh.Analytics.Api.Aggregation;
using PartnerMesh.Analytics.Api.Reporting;
using Xunit;

namespace PartnerMesh.Analytics.UnitTests;

public class SurveyAnonymityTests
{
    [Theory]
    [InlineData(new long[] { 1, 6, 7 }, new[] { true, true, false }, false)]
    [InlineData(new long[] { 1, 2, 10, 20 }, new[] { true, true, true, false }, false)]
    [InlineData(new long[] { 5, 6 }, new[] { false, false }, false)]
    [InlineData(new long[] { 3, 0, 0 }, new[] { true, false, false }, true)]
    [InlineData(new long[] { 0, 0 }, new[] { false, false }, false)]
    public void HiddenRows_TogetherHoldAtLeastK_OrTheTotalIsHidden(long[] responses, bool[] hidden, bool totalHidden)
    {
        var rows = responses.Select((count, hour) => new KpiRow($"2025-05-06T{hour:00}:00", "p", Figures(count))).ToList();
        var report = new KpiReport(new DateOnly(2025, 5, 6), new DateOnly(2025, 5, 6), "hour", "partner", "UTC", rows,
            [new KpiTotals("p", Figures(responses.Sum()))]);

        var result = SurveyAnonymity.Apply(report, k: 5);

        Assert.Equal(hidden, result.Rows.Select(row => row.Kpis.SurveyFiguresSuppressed));
        Assert.All(result.Rows.Where(row => row.Kpis.SurveyFiguresSuppressed), row => Assert.Null(row.Kpis.NetPromoterScore));
        Assert.Equal(totalHidden, result.Totals[0].Kpis.SurveyFiguresSuppressed);
        Assert.Equal(totalHidden ? null : responses.Sum(), result.Totals[0].Kpis.NpsResponses);
    }

    private static KpiFigures Figures(long npsResponses) => KpiFigureBuilder.Build(
        [new KpiAggregate { Granularity = "hour", Dimension = "partner", DimensionValue = "p", Currency = "", NpsResponses = npsResponses, NpsPromoters = npsResponses }]);
}
