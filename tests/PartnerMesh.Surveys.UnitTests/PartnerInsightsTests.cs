using System.Text.Json;
using PartnerMesh.Surveys.Api.Insights;
using Xunit;

namespace PartnerMesh.Surveys.UnitTests;

public sealed class PartnerInsightsTests
{
    private static readonly Guid Survey = Guid.Parse("0193a1b2-0000-7000-8000-000000000001");
    private static readonly Guid Partner = Guid.Parse("0193a1b2-0000-7000-8000-0000000000a1");
    private static readonly DateTimeOffset Monday = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(new[] { 5, 1 }, 2)]
    [InlineData(new[] { 5, 5, 1 }, 2)]
    [InlineData(new[] { 9, 1, 1 }, 3)]
    [InlineData(new[] { 5, 5 }, 0)]
    [InlineData(new[] { 6, 3, 3 }, 2)]
    public void Suppress_HiddenGroupsAddUpToZeroOrAtLeastK(int[] sizes, int hiddenGroups)
    {
        var groups = sizes.Select((size, index) => (Key: $"g{index}", Size: size)).ToDictionary(group => group.Key, group => group.Size);

        var hidden = PartnerInsights.Suppress(groups, sizes.Sum(), 5);

        Assert.Equal(hiddenGroups, hidden.Count);
        var recoverable = sizes.Sum() - groups.Where(group => !hidden.Contains(group.Key)).Sum(group => group.Value);
        Assert.True(recoverable == 0 || recoverable >= 5, $"total minus shown groups = {recoverable}");
    }

    [Fact]
    public void EveryGroupingOfSmallCells_NeverLeavesARecoverableGroupUnderK()
    {
        var random = new Random(42);
        for (var run = 0; run < 2_000; run++)
        {
            var sizes = Enumerable.Range(0, random.Next(1, 6)).Select(_ => random.Next(1, 12)).ToArray();
            var k = random.Next(2, 7);
            if (sizes.Sum() < k)
            {
                continue; // the whole cell is suppressed before any breakdown
            }

            var groups = sizes.Select((size, index) => (Key: $"g{index}", Size: size)).ToDictionary(group => group.Key, group => group.Size);

            var hidden = PartnerInsights.Suppress(groups, sizes.Sum(), k);

            var recoverable = sizes.Sum() - groups.Where(group => !hidden.Contains(group.Key)).Sum(group => group.Value);
            Assert.True(recoverable == 0 || recoverable >= k, $"sizes {string.Join(",", sizes)}, k {k}: recoverable {recoverable}");
            Assert.All(groups.Where(group => group.Value < k), group => Assert.Contains(group.Key, hidden));
        }
    }

    [Fact]
    public void CellsAreFixedWeeks_ANarrowerRangeShowsTheSameCellsAndTotals()
    {
        var rows = Enumerable.Range(0, 5).Select(_ => Row(Monday, 10))
            .Append(Row(Monday.AddDays(7), 0))
            .ToList();

        var wide = PartnerInsights.Build(Partner, rows, [], 5, DateOnly.FromDateTime(Monday.UtcDateTime), DateOnly.FromDateTime(Monday.UtcDateTime).AddDays(13), null);
        var narrow = PartnerInsights.Build(Partner, rows[..5], [], 5, DateOnly.FromDateTime(Monday.UtcDateTime), DateOnly.FromDateTime(Monday.UtcDateTime).AddDays(6), null);

        Assert.Equal(narrow.Totals, wide.Totals);
        Assert.True(wide.Cells[1].Suppressed);
        Assert.Null(wide.Cells[1].Responses);
        Assert.Equal(JsonSerializer.Serialize(narrow.Cells[0]), JsonSerializer.Serialize(wide.Cells[0]));
    }

    [Fact]
    public void ReasonCounts_UnderK_AreSuppressed_WithTheirComplement()
    {
        IReadOnlyList<string>[] reasons = [["extra-costs"], ["extra-costs"], ["extra-costs"], ["extra-costs"], ["extra-costs"], ["better-price"]];
        var rows = reasons.Select(codes => Row(Monday, null, codes)).ToList();

        var report = PartnerInsights.Build(Partner, rows, [], 5, default, default, null);

        var cell = Assert.Single(report.Cells);
        Assert.All(cell.Reasons, reason => Assert.True(reason.Suppressed));
    }

    [Fact]
    public void ScoreAnsweredByFewerThanK_IsNotShown()
    {
        var rows = Enumerable.Range(0, 5).Select(index => Row(Monday, index == 0 ? 3 : null)).ToList();

        var cell = Assert.Single(PartnerInsights.Build(Partner, rows, [], 5, default, default, null).Cells);

        Assert.False(cell.Suppressed);
        Assert.Null(cell.Nps);
    }

    [Fact]
    public void GroupScore_WhoseComplementInTheCellIsUnderK_IsNotShown()
    {
        // 5 order responses with an NPS; 5 email responses, one with an NPS: the cell's NPS (6 answers) minus the order
        // group's NPS would reveal the one email answer, so the order group's NPS is hidden too.
        var rows = Enumerable.Range(0, 5).Select(_ => Row(Monday, 10))
            .Concat(Enumerable.Range(0, 5).Select(index => Row(Monday, index == 0 ? 0 : null) with { Touchpoint = "email" })).ToList();

        var cell = Assert.Single(PartnerInsights.Build(Partner, rows, [], 5, default, default, PartnerInsights.ByTouchpoint).Cells);

        Assert.Equal(6, cell.Nps!.Responses);
        Assert.All(cell.Groups, group => Assert.False(group.Suppressed));
        Assert.All(cell.Groups, group => Assert.Null(group.Nps));
    }

    [Fact]
    public void AcrossThePartnersSurveys_WhatAWeekHidesAddsUpToZeroOrK_PerMeasureAndTouchpoint_AndOneSurveyShowsTheSameCell()
    {
        // Analytics publishes the partner's week (and each partner × touchpoint week) over all of its surveys: whatever this
        // service hides of it — responses, NPS answers, per touchpoint — must add up to 0 or at least k, else analytics'
        // figure minus the shown ones isolates it (or the whole measure is under k, which analytics hides as well).
        var random = new Random(7);
        string[] touchpoints = ["order", "email", "cart"];
        for (var run = 0; run < 1_000; run++)
        {
            var k = random.Next(2, 7);
            var surveys = Enumerable.Range(0, random.Next(1, 5)).Select(_ => Guid.NewGuid()).ToList();
            var rows = surveys.SelectMany(survey => Enumerable.Range(0, random.Next(0, 12)).Select(_ =>
                    new ResponseRow(survey, Monday, Partner, null, touchpoints[random.Next(touchpoints.Length)], [],
                        random.Next(3) == 0 ? null : random.Next(11), null, [], true)))
                .ToList();

            var report = PartnerInsights.Build(Partner, rows, [], k, default, default, PartnerInsights.ByTouchpoint);

            bool Shown(ResponseRow row) => report.Cells.Single(cell => cell.SurveyId == row.SurveyId) is { Suppressed: false } cell
                && cell.Groups.Single(group => group.Key == row.Touchpoint) is { Suppressed: false };
            bool NpsShown(ResponseRow row) => report.Cells.Single(cell => cell.SurveyId == row.SurveyId) is { Suppressed: false, Nps: not null };
            bool GroupNpsShown(ResponseRow row) => Shown(row)
                && report.Cells.Single(cell => cell.SurveyId == row.SurveyId).Groups.Single(group => group.Key == row.Touchpoint).Nps is not null;
            var context = $"run {run}, k {k}";
            AssertHiddenSafe(rows, row => report.Cells.Single(cell => cell.SurveyId == row.SurveyId).Suppressed, k, context + ", responses");
            AssertHiddenSafe([.. rows.Where(row => row.NpsScore is not null)], row => !NpsShown(row), k, context + ", NPS");
            foreach (var touchpoint in touchpoints)
            {
                var ofTouchpoint = rows.Where(row => row.Touchpoint == touchpoint).ToList();
                AssertHiddenSafe(ofTouchpoint, row => !Shown(row), k, $"{context}, {touchpoint}");
                AssertHiddenSafe([.. ofTouchpoint.Where(row => row.NpsScore is not null)], row => !GroupNpsShown(row), k, $"{context}, {touchpoint} NPS");
            }

            foreach (var survey in surveys.Where(survey => rows.Any(row => row.SurveyId == survey)))
            {
                var alone = PartnerInsights.Build(Partner, rows, [], k, default, default, PartnerInsights.ByTouchpoint, survey);
                Assert.Equal(
                    JsonSerializer.Serialize(report.Cells.Single(cell => cell.SurveyId == survey)),
                    JsonSerializer.Serialize(Assert.Single(alone.Cells)));
            }
        }
    }

    private static void AssertHiddenSafe(List<ResponseRow> rows, Func<ResponseRow, bool> hidden, int k, string context)
    {
        var count = rows.Count(hidden);
        Assert.True(count == 0 || count >= k || count == rows.Count, $"{context}: {count} of {rows.Count} hidden");
    }

    private static ResponseRow Row(DateTimeOffset at, int? nps, IReadOnlyList<string>? reasons = null) =>
        new(Survey, at, Partner, null, "order", [], nps, null, reasons ?? [], true);
}
