using System.Net;
using PartnerMesh.Analytics.Api.Reporting;
using PartnerMesh.Analytics.Api.Scorecards;
using PartnerMesh.Contracts.Surveys;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>Partners see survey figures only for groups of at least k (default 5) responses.</summary>
public class SurveyAnonymityTests(BehaviourApiFactory factory) : IClassFixture<BehaviourApiFactory>
{
    private static readonly DateOnly Day = new(2025, 5, 6);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PartnerHourlyKpis_HideSmallGroups_AndTheNextSmallest_SoTheTotalCannotRevealThem()
    {
        var partner = Guid.NewGuid();

        // 09:00 one answer (a detractor, to a showing), 10:00 five, 11:00 seven (UTC; Berlin is two hours ahead).
        await AnswerAsync(partner, At(9), 1, score: 0, shown: true);
        await AnswerAsync(partner, At(10), 5, score: 10);
        await AnswerAsync(partner, At(11), 7, score: 9);
        var url = Behaviour.KpiUrl("partner", partner.ToString(), Day, Day, "hour");
        var admin = await factory.WaitForReportAsync(url, r => r.Totals.Count == 1 && r.Total().NpsResponses == 13, Ct);
        Assert.Equal((1L, -100m), (admin.Rows[0].Kpis.NpsResponses, admin.Rows[0].Kpis.NetPromoterScore));

        var report = await (await factory.CreatePartnerClient(partner).GetAsync(url, Ct)).ShouldBeAsync<KpiReport>(HttpStatusCode.OK);

        Assert.Equal(3, report.Rows.Count);
        var (one, five, seven) = (report.Rows[0].Kpis, report.Rows[1].Kpis, report.Rows[2].Kpis);
        Assert.Equal((true, null, null, null, null), (one.SurveyFiguresSuppressed, one.NpsResponses, one.NetPromoterScore, one.SurveyResponses, one.SurveyResponseRate));
        Assert.Equal(1L, one.SurveysShown);

        // Five alone would pass, but with the total shown it would give the one answer away: hidden too.
        Assert.Equal((true, null, null), (five.SurveyFiguresSuppressed, five.NpsResponses, five.NetPromoterScore));
        Assert.Equal((false, 7L, 100m), (seven.SurveyFiguresSuppressed, seven.NpsResponses, seven.NetPromoterScore));

        // NPS of 13 answers is shown; only one of them answered a showing, so the response count and rate are not.
        var total = report.Total();
        Assert.Equal((13L, 84.6m), (total.NpsResponses, total.NetPromoterScore));
        Assert.Equal((true, null, null), (total.SurveyFiguresSuppressed, total.SurveyResponses, total.SurveyResponseRate));
    }

    [Fact]
    public async Task PartnerScorecard_AndDailyKpis_OfFewerThanKResponses_ShowNoNps_WhileAdminsSeeIt()
    {
        var partner = Guid.NewGuid();
        await AnswerAsync(partner, At(9), 1, score: 0);
        var url = Behaviour.KpiUrl("partner", partner.ToString(), Day, Day);
        await factory.WaitForReportAsync(url, r => r.Totals.Count == 1 && r.Total().NpsResponses == 1, Ct);
        var scorecardUrl = $"/api/analytics/partners/{partner}/scorecard?from={Day:yyyy-MM-dd}&to={Day:yyyy-MM-dd}";

        var kpis = await (await factory.CreatePartnerClient(partner).GetAsync(url, Ct)).ShouldBeAsync<KpiReport>(HttpStatusCode.OK);
        var scorecard = await (await factory.CreatePartnerClient(partner).GetAsync(scorecardUrl, Ct)).ShouldBeAsync<Scorecard>(HttpStatusCode.OK);
        var adminScorecard = await (await factory.CreateClientWithScopes(ServiceDefaults.Security.PartnerMeshScopes.Admin).GetAsync(scorecardUrl, Ct))
            .ShouldBeAsync<Scorecard>(HttpStatusCode.OK);

        var row = Assert.Single(kpis.Rows).Kpis;
        Assert.Equal((true, null, null), (row.SurveyFiguresSuppressed, row.NpsResponses, row.NetPromoterScore));
        Assert.Equal((true, null, null), (kpis.Total().SurveyFiguresSuppressed, kpis.Total().NpsResponses, kpis.Total().NetPromoterScore));
        Assert.Equal((true, null, null), (scorecard.Kpis.SurveyFiguresSuppressed, scorecard.Kpis.NpsResponses, scorecard.Kpis.NetPromoterScore));
        Assert.Equal((false, 1L, -100m), (adminScorecard.Kpis.SurveyFiguresSuppressed, adminScorecard.Kpis.NpsResponses, adminScorecard.Kpis.NetPromoterScore));
    }

    private static DateTimeOffset At(int hour) => new(Day.Year, Day.Month, Day.Day, hour, 10, 0, TimeSpan.Zero);

    private async Task AnswerAsync(Guid partner, DateTimeOffset at, int answers, int score, bool shown = false)
    {
        for (var i = 0; i < answers; i++)
        {
            Guid? impression = shown ? Guid.NewGuid() : null;
            if (impression is { } id)
            {
                await factory.PublishAsync(new SurveyShown
                {
                    EventId = Guid.NewGuid(), OccurredAt = at, ImpressionId = id, SurveyId = Guid.NewGuid(), SurveyVersion = 1,
                    SurveyKind = "nps", Trigger = "post-purchase", Touchpoint = "order", VisitorId = "v-1", PartnerId = partner,
                });
            }

            await factory.PublishAsync(new SurveyResponseSubmitted
            {
                EventId = Guid.NewGuid(), OccurredAt = at.AddMinutes(1), ResponseId = Guid.NewGuid(), SurveyId = Guid.NewGuid(), SurveyVersion = 1,
                SurveyKind = "nps", Touchpoint = "order", VisitorId = "v-1", ImpressionId = impression, PartnerId = partner, NpsScore = score,
                ReasonCodes = [],
            });
        }
    }
}
