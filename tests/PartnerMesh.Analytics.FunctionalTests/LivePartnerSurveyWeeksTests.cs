using PartnerMesh.Analytics.Api.Reporting;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>A program that turned <c>Analytics:PartnerSurveys:EndedWeeksOnly</c> off: the filling week, at the documented price.</summary>
public class LivePartnerSurveyWeeksTests(LiveSurveyWeeksApiFactory factory) : IClassFixture<LiveSurveyWeeksApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PartnerNps_WithEndedWeeksOnlyOff_ShowsTheCurrentWeekAsItFills()
    {
        var monday = PartnerSurveyWeeksTests.StartMidweek(factory.Clock);
        var partner = Guid.NewGuid();
        var week = Behaviour.KpiUrl("partner", partner.ToString(), monday, monday.AddDays(6));
        using var portal = factory.CreatePartnerClient(partner);

        await factory.AnswerAsync(partner, factory.Clock.GetUtcNow(), 5, score: 10);
        await factory.WaitForReportAsync(week, r => r.Totals.Count == 1 && r.Total().NpsResponses == 5, Ct);
        var five = PartnerSurveyWeeksTests.Parse(await PartnerSurveyWeeksTests.ReadAsync(portal, week));
        await factory.AnswerAsync(partner, factory.Clock.GetUtcNow(), 1, score: 0);
        await factory.WaitForReportAsync(week, r => r.Totals.Count == 1 && r.Total().NpsResponses == 6, Ct);
        var six = PartnerSurveyWeeksTests.Parse(await PartnerSurveyWeeksTests.ReadAsync(portal, week));

        Assert.True(five.Surveys!.Live);
        Assert.Equal((5L, 100m, false), (Single(five).NpsResponses, Single(five).NetPromoterScore, Single(five).Final));
        Assert.Equal((6L, 66.7m, false), (Single(six).NpsResponses, Single(six).NetPromoterScore, Single(six).Final));
        Assert.All(six.Rows, row => Assert.Null(row.Kpis.NpsResponses));
    }

    private static SurveyWeekCell Single(KpiReport report) => Assert.Single(report.Surveys!.Cells);
}
