using PartnerMesh.Analytics.Api.Aggregation;
using PartnerMesh.Analytics.Api.Reporting;
using Xunit;

namespace PartnerMesh.Analytics.UnitTests;

public class SurveyAnonymityTests
{
    private const int K = 5;
    private static readonly Guid Partner = Guid.NewGuid();
    private static readonly DateOnly Week = new(2025, 5, 5);
    private static readonly DateTimeOffset Now = new(2025, 5, 12, 2, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(new long[] { 1, 6, 7 }, 0, new[] { true, true, false })]
    [InlineData(new long[] { 1, 2, 10, 20 }, 0, new[] { true, true, true, false })]
    [InlineData(new long[] { 5, 6 }, 0, new[] { false, false })]
    [InlineData(new long[] { 5, 6 }, 1, new[] { true, false })]
    [InlineData(new long[] { 5 }, 3, new[] { true })]
    [InlineData(new long[] { 2, 2, 10 }, 0, new[] { true, true, true })]
    [InlineData(new long[] { 3, 0, 0 }, 0, new[] { true, false, false })]
    [InlineData(new long[] { 0, 0 }, 0, new[] { false, false })]
    public void Suppress_HidesSmallGroups_AndTheNextSmallest_UntilTheHiddenAnswersHoldKOrNone(long[] groups, long remainder, bool[] hidden) =>
        Assert.Equal(hidden, SurveyAnonymity.Suppress(groups, remainder, K));

    [Fact]
    public void Suppress_NeverLeavesAHiddenRemainderUnderK_ThatTheTotalMinusTheShownGroupsWouldReveal()
    {
        var random = new Random(20251205);
        for (var round = 0; round < 5000; round++)
        {
            var groups = Enumerable.Range(0, random.Next(1, 7)).Select(_ => (long)random.Next(0, 12)).ToArray();
            var remainder = (long)random.Next(0, 4);

            var hidden = SurveyAnonymity.Suppress(groups, remainder, K);

            var recoverable = remainder + groups.Where((_, index) => hidden[index]).Sum();
            var total = remainder + groups.Sum();
            Assert.True(recoverable == 0 || recoverable >= K || total < K, $"groups {string.Join(',', groups)} + {remainder}: {recoverable} recoverable");
            Assert.All(groups.Where((answers, index) => !hidden[index]), answers => Assert.False(SurveyAnonymity.TooFew(answers, K)));
        }
    }

    [Fact]
    public void Cells_ShowTheWeekOfSixAnswers_ButHideATouchpointOfOne_AndTheOnlyOtherOne()
    {
        var cells = SurveyAnonymity.Cells(Partner, Week,
        [
            Sums(Dimensions.Partner, "", nps: 6, promoters: 5, detractors: 1),
            Sums("partner,touchpoint", "order", nps: 5, promoters: 5, detractors: 0),
            Sums("partner,touchpoint", "email", nps: 1, promoters: 0, detractors: 1),
            Sums("partner,campaign", "bf", nps: 5, promoters: 5, detractors: 0),
        ], K, Now);

        var own = Assert.Single(cells, cell => cell.Dimension == Dimensions.Partner);
        Assert.Equal((6L, 5L, 1L), (own.NpsResponses, own.NpsPromoters, own.NpsDetractors));
        Assert.All(cells.Where(cell => cell.Dimension == "partner,touchpoint"), cell => Assert.Null(cell.NpsResponses));

        // The one answer without a campaign is the never-shown remainder: 6 − 5 would give it away.
        Assert.Null(Assert.Single(cells, cell => cell.Dimension == "partner,campaign").NpsResponses);
    }

    [Fact]
    public void Cells_OfAWeekWithoutSurveys_AreTheOwnCellWithZeros()
    {
        var own = Assert.Single(SurveyAnonymity.Cells(Partner, Week, [], K, Now));

        Assert.Equal((Dimensions.Partner, "", 0L, 0L, 0L), (own.Dimension, own.DimensionValue2, own.SurveysShown, own.SurveyResponses, own.NpsResponses));
    }

    [Fact]
    public void WithCells_AddsUpShownCellsOnly_AndSaysSomethingWasLeftOut()
    {
        var weekOfFive = SurveyAnonymity.Cells(Partner, Week, [Sums(Dimensions.Partner, "", nps: 5, promoters: 5, detractors: 0)], K, Now);
        var weekOfOne = SurveyAnonymity.Cells(Partner, Week.AddDays(7), [Sums(Dimensions.Partner, "", nps: 1, promoters: 0, detractors: 1)], K, Now);
        var figures = Withheld();

        var both = SurveyAnonymity.WithCells(figures, [.. weekOfFive, .. weekOfOne], incomplete: false);
        var onlyHidden = SurveyAnonymity.WithCells(figures, weekOfOne, incomplete: false);
        var none = SurveyAnonymity.WithCells(figures, [], incomplete: true);

        Assert.Equal((5L, 100m, true), (both.NpsResponses, both.NetPromoterScore, both.SurveyFiguresSuppressed));
        Assert.Equal((null, null, true), (onlyHidden.NpsResponses, onlyHidden.NetPromoterScore, onlyHidden.SurveyFiguresSuppressed));
        Assert.Equal((null, null, null, true), (none.SurveysShown, none.NpsResponses, none.NetPromoterScore, none.SurveyFiguresSuppressed));
    }

    [Theory]
    [InlineData("2025-05-05", "2025-05-05")]
    [InlineData("2025-05-11", "2025-05-05")]
    [InlineData("2025-05-01", "2025-04-28")]
    [InlineData("2026-01-01", "2025-12-29")]
    public void WeekOf_IsTheMondayOfTheIsoWeek(string day, string monday) =>
        Assert.Equal(DateOnly.Parse(monday, System.Globalization.CultureInfo.InvariantCulture),
            PartnerSurveyCells.WeekOf(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture)));

    private static SurveySums Sums(string dimension, string value2, long nps, long promoters, long detractors) =>
        new(dimension, value2, Week, 0, 0, nps, promoters, detractors);

    private static KpiFigures Withheld() => SurveyAnonymity.Withhold(KpiFigureBuilder.Build([]));
}
