using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using PartnerMesh.Analytics.Api.Aggregation;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.Analytics.Api.Reporting;
using PartnerMesh.Analytics.Api.Scorecards;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>
/// Partners see survey figures only in published cells of whole ended weeks, each measure from k (default 5) answers,
/// never per day or hour, with totals of shown cells only; admins see every figure. Weeks of 2025 (ended long ago), cut
/// in Berlin time.
/// </summary>
public class SurveyAnonymityTests(BehaviourApiFactory factory) : IClassFixture<BehaviourApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PartnerNps_OfOverlappingRanges_IsTheSameWholeWeek_SoTheLastDaysAnswerCannotBeSingledOut()
    {
        // Week of Monday 5 May 2025: five promoters on the 6th, one detractor on Sunday the 11th.
        var partner = Guid.NewGuid();
        await factory.IngestAsync([Behaviour.Event(EventTypes.PageView, At(2025, 5, 6), session: $"s-{partner}", partner: partner)], Ct);
        await factory.AnswerAsync(partner, At(2025, 5, 6), 5, score: 10);
        await factory.AnswerAsync(partner, At(2025, 5, 11), 1, score: 0);
        var toTenth = Behaviour.KpiUrl("partner", partner.ToString(), new DateOnly(2025, 5, 1), new DateOnly(2025, 5, 10));
        var toEleventh = Behaviour.KpiUrl("partner", partner.ToString(), new DateOnly(2025, 5, 1), new DateOnly(2025, 5, 11));
        var eleventhByHour = Behaviour.KpiUrl("partner", partner.ToString(), new DateOnly(2025, 5, 11), new DateOnly(2025, 5, 11), "hour");
        await factory.WaitForReportAsync(toEleventh, r => r.Totals.Count == 1 && r.Total().NpsResponses == 6, Ct);

        // An admin's two totals differ by the detractor: exact figures.
        var admin = await factory.ReportAsync(toTenth, Ct);
        Assert.Equal((5L, 100m), (admin.Total().NpsResponses, admin.Total().NetPromoterScore));

        using var portal = factory.CreatePartnerClient(partner);
        var tenth = await PartnerReportAsync(portal, toTenth);
        var eleventh = await PartnerReportAsync(portal, toEleventh);
        var hourly = await PartnerReportAsync(portal, eleventhByHour);

        // Both ranges touch the same two weeks and show the same cell of six answers: no difference to learn from.
        foreach (var report in new[] { tenth, eleventh, hourly })
        {
            Assert.Equal((6L, 66.7m), (report.Total().NpsResponses, report.Total().NetPromoterScore));
            var cell = Assert.Single(report.Surveys!.Cells);
            Assert.Equal((new DateOnly(2025, 5, 5), 6L, 66.7m, false, true), (cell.Week, cell.NpsResponses, cell.NetPromoterScore, cell.Suppressed, cell.Final));
            Assert.All(report.Rows, row => Assert.Equal(
                (null, null, null, null, null, true),
                (row.Kpis.SurveysShown, row.Kpis.SurveyResponses, row.Kpis.SurveyResponseRate, row.Kpis.NpsResponses, row.Kpis.NetPromoterScore, row.Kpis.SurveyFiguresSuppressed)));
        }

        // Days keep their other figures; a day with nothing but an answer is not even listed (it would date the answer).
        Assert.Equal((1L, 0L), (tenth.Total().PageViews, hourly.Total().PageViews));
        Assert.Equal(new[] { "2025-05-06" }, eleventh.Rows.Select(row => row.Period));
        Assert.Equal(1L, eleventh.Rows[0].Kpis.PageViews);
        Assert.Empty(hourly.Rows);

        Assert.Equal((new DateOnly(2025, 4, 28), new DateOnly(2025, 5, 11)), (tenth.Surveys!.From, tenth.Surveys.To));
        Assert.Equal(Survey(tenth), Survey(eleventh));
    }

    [Fact]
    public async Task PartnerPairReport_HidesATouchpoint_ThatTheWeeksOwnCellWouldGiveAway()
    {
        // Week of 12 May: five answers at the order page, one by email. The partner's own cell shows six.
        var partner = Guid.NewGuid();
        await factory.AnswerAsync(partner, At(2025, 5, 13), 5, score: 10, touchpoint: "order");
        await factory.AnswerAsync(partner, At(2025, 5, 13), 1, score: 0, touchpoint: "email");
        var (from, to) = (new DateOnly(2025, 5, 12), new DateOnly(2025, 5, 18));
        var own = Behaviour.KpiUrl("partner", partner.ToString(), from, to);
        var byTouchpoint = $"/api/analytics/kpis?dimensions=partner,touchpoint&value={partner}&from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}";
        await factory.WaitForReportAsync(own, r => r.Totals.Count == 1 && r.Total().NpsResponses == 6, Ct);
        var admin = await factory.ReportAsync(byTouchpoint, Ct);
        Assert.Equal(new (string?, long?)[] { ("email", 1L), ("order", 5L) }, admin.Totals.Select(total => (total.DimensionValue2, total.Kpis.NpsResponses)));

        using var portal = factory.CreatePartnerClient(partner);
        var ownReport = await PartnerReportAsync(portal, own);
        var pairs = await PartnerReportAsync(portal, byTouchpoint);

        Assert.Equal(6L, ownReport.Total().NpsResponses);

        // "order" alone has five, but six minus five would be the email answer: both touchpoints are hidden.
        Assert.Equal(2, pairs.Totals.Count);
        Assert.All(pairs.Totals, total => Assert.Equal((null, null, true), (total.Kpis.NpsResponses, total.Kpis.NetPromoterScore, total.Kpis.SurveyFiguresSuppressed)));
        Assert.All(pairs.Surveys!.Cells, cell => Assert.Equal((null, true), (cell.NpsResponses, cell.Suppressed)));
        Assert.Equal(new string?[] { "email", "order" }, pairs.Surveys.Cells.Select(cell => cell.DimensionValue2));
    }

    [Fact]
    public async Task PartnerScorecard_ShowsAWeekOfKAnswers_AndLeavesOutAWeekOfOne_WhileAdminsSeeBoth()
    {
        var partner = Guid.NewGuid();
        await factory.AnswerAsync(partner, At(2025, 5, 20), 5, score: 10, shown: true);
        await factory.AnswerAsync(partner, At(2025, 5, 27), 1, score: 0, shown: true);
        var (from, to) = (new DateOnly(2025, 5, 19), new DateOnly(2025, 6, 1));
        await factory.WaitForReportAsync(
            Behaviour.KpiUrl("partner", partner.ToString(), from, to), r => r.Totals.Count == 1 && r.Total() is { NpsResponses: 6, SurveyResponses: 6 }, Ct);
        var url = $"/api/analytics/partners/{partner}/scorecard?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}";

        var scorecard = await factory.CreatePartnerClient(partner).GetAsync(url, Ct).ShouldBeOkAsync<Scorecard>();
        var adminScorecard = await factory.CreateClientWithScopes(PartnerMeshScopes.Admin).GetAsync(url, Ct).ShouldBeOkAsync<Scorecard>();

        var kpis = scorecard.Kpis;
        Assert.Equal((5L, 100m, 5L, 1m, true), (kpis.NpsResponses, kpis.NetPromoterScore, kpis.SurveyResponses, kpis.SurveyResponseRate, kpis.SurveyFiguresSuppressed));
        Assert.Equal(
            new (DateOnly, long?, bool)[] { (new DateOnly(2025, 5, 19), 5L, false), (new DateOnly(2025, 5, 26), null, true) },
            scorecard.Surveys!.Cells.Select(cell => (cell.Week, cell.NpsResponses, cell.Suppressed)));
        Assert.Equal((6L, 66.7m, 6L, false), (adminScorecard.Kpis.NpsResponses, adminScorecard.Kpis.NetPromoterScore, adminScorecard.Kpis.SurveyResponses, adminScorecard.Kpis.SurveyFiguresSuppressed));
        Assert.Null(adminScorecard.Surveys);
    }

    [Fact]
    public async Task PartnerScorecardAndReport_OverPublishedWeeksWithoutSurveyActivity_ShowNullSurveyFigures_NotZero()
    {
        // Orders in June 2025, no survey at all: the weeks are published (ended), and no cell shows any measure.
        var partner = Guid.NewGuid();
        await factory.IngestAsync([Behaviour.Event(EventTypes.OrderCompleted, At(2025, 6, 10), session: $"s-{partner}", order: $"o-{partner}", amount: 10m, partner: partner)], Ct);
        var (from, to) = (new DateOnly(2025, 6, 2), new DateOnly(2025, 6, 22));
        var report = Behaviour.KpiUrl("partner", partner.ToString(), from, to);
        await factory.WaitForReportAsync(report, r => r.Totals.Count == 1 && r.Total().Orders == 1, Ct);
        using var portal = factory.CreatePartnerClient(partner);

        var scorecard = await portal.GetAsync($"/api/analytics/partners/{partner}/scorecard?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}", Ct).ShouldBeOkAsync<Scorecard>();
        var partnerReport = await PartnerReportAsync(portal, report);

        foreach (var kpis in new[] { scorecard.Kpis, partnerReport.Total() })
        {
            Assert.Equal(
                (1L, null, null, null, null, null, false),
                (kpis.Orders, kpis.SurveysShown, kpis.SurveyResponses, kpis.SurveyResponseRate, kpis.NpsResponses, kpis.NetPromoterScore, kpis.SurveyFiguresSuppressed));
        }

        Assert.Empty(scorecard.Surveys!.Cells);
    }

    [Fact]
    public async Task PartnerRead_WhileAWeeksSurveyEventsWaitToBeCounted_PublishesTheWeekOnlyOnceTheyAre()
    {
        // A replay or a backlog: the week's answers are logged but not counted yet. Publishing now would fix a cell without them.
        var partner = Guid.NewGuid();
        var (from, to) = (new DateOnly(2025, 6, 2), new DateOnly(2025, 6, 8));
        var url = Behaviour.KpiUrl("partner", partner.ToString(), from, to);
        using var portal = factory.CreatePartnerClient(partner);
        await using var connection = new NpgsqlConnection(factory.DatabaseConnectionString);
        await connection.OpenAsync(Ct);
        await using (var hold = new NpgsqlCommand($"SELECT pg_advisory_lock({Aggregator.LockKey})", connection))
        {
            await hold.ExecuteNonQueryAsync(Ct);
        }

        KpiReport waiting;
        try
        {
            await factory.AnswerAsync(partner, At(2025, 6, 3), 5, score: 9);
            var (start, end) = (At(2025, 6, 2), At(2025, 6, 9));
            await Eventually.UntilAsync(async () => await factory.QueryDbAsync(db => db.RawEvents.CountAsync(
                raw => raw.AggregatedAt == null && raw.Type == EventTypes.SurveyResponseSubmitted && raw.OccurredAt >= start && raw.OccurredAt < end, Ct)) == 5);
            waiting = await PartnerReportAsync(portal, url);
        }
        finally
        {
            await using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({Aggregator.LockKey})", connection);
            await release.ExecuteNonQueryAsync(Ct);
        }

        Assert.Empty(waiting.Surveys!.Cells);
        Assert.Equal(from.AddDays(-1), waiting.Surveys.PublishedThrough);
        Assert.Equal((null, true), (waiting.Total().NpsResponses, waiting.Total().SurveyFiguresSuppressed));

        var published = await Eventually.GetAsync(async () => await PartnerReportAsync(portal, url) is { Surveys.Cells.Count: 1 } report ? report : null);
        Assert.Equal((5L, 100m), (published.Total().NpsResponses, published.Total().NetPromoterScore));
        Assert.True(published.Surveys!.PublishedThrough >= to);
    }

    private static DateTimeOffset At(int year, int month, int day) => new(year, month, day, 10, 10, 0, TimeSpan.Zero);

    private static async Task<KpiReport> PartnerReportAsync(HttpClient portal, string url) =>
        await (await portal.GetAsync(url, Ct)).ShouldBeAsync<KpiReport>(HttpStatusCode.OK);

    /// <summary>The survey figures of a report (its cells and its totals' survey figures) as JSON, to compare two reports.</summary>
    private static string Survey(KpiReport report) => JsonSerializer.Serialize(new
    {
        report.Surveys,
        Totals = report.Totals.Select(total => new
        {
            total.Kpis.SurveysShown, total.Kpis.SurveyResponses, total.Kpis.SurveyResponseRate, total.Kpis.NpsResponses,
            total.Kpis.NetPromoterScore, total.Kpis.SurveyFiguresSuppressed,
        }),
    });
}
