using System.Net;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.Analytics.Api.Reporting;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>
/// The current week and its end, on a clock the test moves (reporting in UTC, as the surveys service's weeks): a partner
/// learns nothing from reading before and after one more answer, sees the week once it has ended, and the published
/// week never moves again; an admin sees the exact figures all along.
/// </summary>
public class PartnerSurveyWeeksTests(ShiftedClockApiFactory factory) : IClassFixture<ShiftedClockApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PartnerNps_BeforeAndAfterOneMoreAnswerThisWeek_IsTheSame_ThenTheEndedWeekShows_AndNeverMovesAgain()
    {
        var monday = StartMidweek(factory.Clock);
        var today = DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime);
        var partner = Guid.NewGuid();
        var week = Behaviour.KpiUrl("partner", partner.ToString(), monday, monday.AddDays(6));
        string[] urls =
        [
            week,
            Behaviour.KpiUrl("partner", partner.ToString(), today, today, "hour"),
            Behaviour.KpiUrl("partner", partner.ToString(), monday.AddDays(-7), monday.AddDays(13)),
            $"/api/analytics/partners/{partner}/scorecard?from={monday:yyyy-MM-dd}&to={today:yyyy-MM-dd}",
        ];
        using var portal = factory.CreatePartnerClient(partner);

        await factory.IngestAsync([Behaviour.Event(EventTypes.PageView, factory.Clock.GetUtcNow(), session: $"s-{partner}", partner: partner)], Ct);
        await factory.AnswerAsync(partner, factory.Clock.GetUtcNow(), 5, score: 10, shown: true);
        await factory.WaitForReportAsync(week, r => r.Totals.Count == 1 && r.Total() is { NpsResponses: 5, SurveyResponses: 5 }, Ct);
        var before = await ReadAllAsync(portal, urls);
        await factory.AnswerAsync(partner, factory.Clock.GetUtcNow(), 1, score: 0, shown: true);
        var admin = await factory.WaitForReportAsync(week, r => r.Totals.Count == 1 && r.Total() is { NpsResponses: 6, SurveyResponses: 6 }, Ct);
        var after = await ReadAllAsync(portal, urls);

        // Admins: today's row, exact and live.
        var todayRow = Assert.Single(admin.Rows).Kpis;
        Assert.Equal((6L, 66.7m, 6L, false), (todayRow.NpsResponses, todayRow.NetPromoterScore, todayRow.SurveyResponses, todayRow.SurveyFiguresSuppressed));

        // Partners: the filling week is not published, so the sixth answer changes nothing they can read.
        Assert.Equal(before, after);
        var filling = Parse(after[0]);
        Assert.Empty(filling.Surveys!.Cells);
        Assert.Equal(monday.AddDays(-1), filling.Surveys.PublishedThrough);
        Assert.Equal((null, null, true), (filling.Total().NpsResponses, filling.Total().NetPromoterScore, filling.Total().SurveyFiguresSuppressed));
        var day = Assert.Single(filling.Rows).Kpis;
        Assert.Equal((1L, null, null, true), (day.PageViews, day.NpsResponses, day.SurveysShown, day.SurveyFiguresSuppressed));

        // Past its end (and the hour's delay) the week is published with its six answers.
        factory.Clock.Set(new DateTimeOffset(monday.AddDays(7).ToDateTime(new TimeOnly(2, 0)), TimeSpan.Zero));
        var endedJson = await ReadAsync(portal, week);
        var ended = Parse(endedJson);
        var cell = Assert.Single(ended.Surveys!.Cells);
        Assert.Equal((monday, 6L, 66.7m, 6L, 1m, false, true), (cell.Week, cell.NpsResponses, cell.NetPromoterScore, cell.SurveyResponses, cell.SurveyResponseRate, cell.Suppressed, cell.Final));
        Assert.Equal(monday.AddDays(6), ended.Surveys.PublishedThrough);
        Assert.Equal((6L, 66.7m, false), (ended.Total().NpsResponses, ended.Total().NetPromoterScore, ended.Total().SurveyFiguresSuppressed));

        // An answer of that week arriving late (a held-up message) reaches admins, never the published cell.
        await factory.AnswerAsync(partner, new DateTimeOffset(monday.AddDays(6).ToDateTime(new TimeOnly(23, 0)), TimeSpan.Zero), 1, score: 0);
        await factory.WaitForReportAsync(week, r => r.Totals.Count == 1 && r.Total().NpsResponses == 7, Ct);
        Assert.Equal(endedJson, await ReadAsync(portal, week));
    }

    /// <summary>Sets the clock to Wednesday noon (UTC) of next week, so no week ends while the test runs; returns that Monday.</summary>
    internal static DateOnly StartMidweek(ShiftedTimeProvider clock)
    {
        var monday = PartnerSurveyCells.WeekOf(DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime)).AddDays(7);
        clock.Set(new DateTimeOffset(monday.AddDays(2).ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero));
        return monday;
    }

    internal static async Task<string> ReadAsync(HttpClient portal, string url)
    {
        var response = await portal.GetAsync(url, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    internal static KpiReport Parse(string json) =>
        System.Text.Json.JsonSerializer.Deserialize<KpiReport>(json, System.Text.Json.JsonSerializerOptions.Web)!;

    private static async Task<string[]> ReadAllAsync(HttpClient portal, string[] urls) =>
        [.. await Task.WhenAll(urls.Select(url => ReadAsync(portal, url)))];
}
