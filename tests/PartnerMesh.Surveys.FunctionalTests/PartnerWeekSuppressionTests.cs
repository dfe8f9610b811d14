using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Surveys.FunctionalTests;

/// <summary>
/// Complementary suppression across a partner's surveys of one week. Analytics publishes the partner's week as one cell
/// over all of its surveys (docs/kpis.md, "Survey figures and partners"); what the surveys service hides of that week
/// must therefore add up to 0 or at least k, else analytics' cell minus the cells shown here isolates it.
/// </summary>
public sealed class PartnerWeekSuppressionTests(SurveysApiFactory factory) : IClassFixture<SurveysApiFactory>, IDisposable
{
    private readonly SurveysClient _client = new(factory);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PartnerInsights_FiveAnswersInOneSurveyAndOneInAnother_HideBoth_SoAnalyticsWeekMinusShownRevealsNothing()
    {
        var partner = Guid.NewGuid();
        var a = await CreateAsync(partner, "A");
        var b = await CreateAsync(partner, "B");
        var week = InsightsTests.WeekStart(factory.Clock.GetUtcNow());
        for (var index = 0; index < 5; index++)
        {
            await RespondAsync(a, partner, "order", SurveysClient.Nps(10));
        }

        await RespondAsync(b, partner, "order", SurveysClient.Nps(0));
        EndTheWeek();
        using var portal = factory.CreatePartnerClient(partner);

        var all = await ReportAsync(portal, week, week.AddDays(6));
        var onlyA = await InsightsTests.PartnerReportAsync(portal, week, week.AddDays(6), a);

        // Analytics shows the week's 6 answers (NPS 66.7): were A's 5 (NPS 100) shown here, the sixth would be B's detractor.
        Assert.All(all["cells"]!.AsArray(), cell => Assert.True(cell!["suppressed"]!.GetValue<bool>()));
        Assert.Equal(2, all["cells"]!.AsArray().Count);
        Assert.Equal(0, all["totals"]!["responses"]!.GetValue<int>());
        Assert.Null(all["totals"]!["nps"]);
        // Asking for survey A alone shows A's cell as it is in every other answer: hidden.
        Assert.True(Assert.Single(onlyA["cells"]!.AsArray())!["suppressed"]!.GetValue<bool>());
        Assert.Equal(0, onlyA["totals"]!["responses"]!.GetValue<int>());
    }

    [Fact]
    public async Task PartnerInsights_WhenTheHiddenCellsOfTheWeekAlreadyAddUpToK_NothingMoreIsHidden()
    {
        var partner = Guid.NewGuid();
        var a = await CreateAsync(partner, "A");
        var b = await CreateAsync(partner, "B");
        var c = await CreateAsync(partner, "C");
        var week = InsightsTests.WeekStart(factory.Clock.GetUtcNow());
        for (var index = 0; index < 5; index++)
        {
            await RespondAsync(a, partner, "order", SurveysClient.Nps(10));
        }

        for (var index = 0; index < 3; index++)
        {
            await RespondAsync(b, partner, "order", SurveysClient.Nps(0));
        }

        for (var index = 0; index < 2; index++)
        {
            await RespondAsync(c, partner, "order", SurveysClient.Nps(0));
        }

        EndTheWeek();
        using var portal = factory.CreatePartnerClient(partner);

        var report = await ReportAsync(portal, week, week.AddDays(6));

        var shown = Assert.Single(report["cells"]!.AsArray(), cell => !cell!["suppressed"]!.GetValue<bool>())!;
        Assert.Equal(a, shown["surveyId"]!.GetValue<Guid>());
        Assert.Equal(5, shown["responses"]!.GetValue<int>());
        Assert.Equal(100, shown["nps"]!["score"]!.GetValue<double>());
        Assert.Equal(5, report["totals"]!["responses"]!.GetValue<int>());
        Assert.Equal(5, report["totals"]!["nps"]!["responses"]!.GetValue<int>());
    }

    [Fact]
    public async Task PartnerInsights_AScoreHiddenInOneSurvey_HidesTheSmallestShownScoreOfTheWeekToo()
    {
        var partner = Guid.NewGuid();
        var a = await CreateAsync(partner, "A");
        var b = await CreateAsync(partner, "B", npsRequired: false);
        var week = InsightsTests.WeekStart(factory.Clock.GetUtcNow());
        for (var index = 0; index < 5; index++)
        {
            await RespondAsync(a, partner, "order", SurveysClient.Nps(10));
        }

        // B: five answers, one of which gives the optional NPS (a detractor): B's NPS is hidden (1 answer).
        await RespondAsync(b, partner, "order", SurveysClient.Nps(0));
        for (var index = 0; index < 4; index++)
        {
            await RespondAsync(b, partner, "order", new JsonArray(new JsonObject { ["questionId"] = "csat", ["score"] = 4 }));
        }

        EndTheWeek();
        using var portal = factory.CreatePartnerClient(partner);

        var report = await ReportAsync(portal, week, week.AddDays(6));

        // Analytics' week has 6 NPS answers: A's NPS beside it would give B's lone score away.
        var cells = report["cells"]!.AsArray();
        Assert.Equal(2, cells.Count);
        Assert.All(cells, cell => Assert.False(cell!["suppressed"]!.GetValue<bool>()));
        Assert.All(cells, cell => Assert.Null(cell!["nps"]));
        Assert.Equal(10, report["totals"]!["responses"]!.GetValue<int>());
        Assert.Null(report["totals"]!["nps"]);
    }

    [Fact]
    public async Task PartnerInsights_TouchpointGroupsHiddenAcrossTheWeeksSurveys_AddUpToZeroOrK()
    {
        var partner = Guid.NewGuid();
        var a = await CreateAsync(partner, "A");
        var b = await CreateAsync(partner, "B");
        var c = await CreateAsync(partner, "C");
        var week = InsightsTests.WeekStart(factory.Clock.GetUtcNow());
        for (var index = 0; index < 5; index++)
        {
            await RespondAsync(a, partner, "order", SurveysClient.Nps(10));
            await RespondAsync(a, partner, "email", SurveysClient.Nps(10));
        }

        // B (3 order, 1 email) and C (1 order) are hidden cells of 5 answers together; but per touchpoint they hide
        // 4 order answers and 1 email answer, which analytics' partner × touchpoint cells minus A's groups would isolate.
        for (var index = 0; index < 3; index++)
        {
            await RespondAsync(b, partner, "order", SurveysClient.Nps(0));
        }

        await RespondAsync(b, partner, "email", SurveysClient.Nps(0));
        await RespondAsync(c, partner, "order", SurveysClient.Nps(0));
        EndTheWeek();
        using var portal = factory.CreatePartnerClient(partner);

        var report = await ReportAsync(portal, week, week.AddDays(6), "touchpoint");

        var shown = Assert.Single(report["cells"]!.AsArray(), cell => !cell!["suppressed"]!.GetValue<bool>())!;
        Assert.Equal(a, shown["surveyId"]!.GetValue<Guid>());
        Assert.Equal(10, shown["responses"]!.GetValue<int>());
        var groups = shown["groups"]!.AsArray();
        Assert.Equal(["email", "order"], groups.Select(group => group!["key"]!.GetValue<string>()));
        Assert.All(groups, group => Assert.True(group!["suppressed"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task PartnerInsights_OverlappingRangesAndASurveyFilter_ShowTheSameCells()
    {
        var partner = Guid.NewGuid();
        var a = await CreateAsync(partner, "A");
        var b = await CreateAsync(partner, "B");
        var firstWeek = InsightsTests.WeekStart(factory.Clock.GetUtcNow());
        for (var index = 0; index < 6; index++)
        {
            await RespondAsync(a, partner, "order", SurveysClient.Nps(9));
        }

        await RespondAsync(b, partner, "order", SurveysClient.Nps(3));
        factory.Clock.Advance(TimeSpan.FromDays(7));
        for (var index = 0; index < 5; index++)
        {
            await RespondAsync(a, partner, "order", SurveysClient.Nps(10));
            await RespondAsync(b, partner, "email", SurveysClient.Nps(7));
        }

        EndTheWeek();
        using var portal = factory.CreatePartnerClient(partner);

        var wide = await ReportAsync(portal, firstWeek.AddDays(-3), firstWeek.AddDays(13));
        var firstOnly = await ReportAsync(portal, firstWeek.AddDays(2), firstWeek.AddDays(3));
        var secondOnly = await ReportAsync(portal, firstWeek.AddDays(8), firstWeek.AddDays(20));
        var onlyA = await InsightsTests.PartnerReportAsync(portal, firstWeek, firstWeek.AddDays(13), a);

        var cells = wide["cells"]!.AsArray().Select(cell => cell!.ToJsonString()).ToList();
        Assert.Equal(4, cells.Count);
        Assert.Equal(cells, firstOnly["cells"]!.AsArray().Concat(secondOnly["cells"]!.AsArray()).Select(cell => cell!.ToJsonString()));
        Assert.Equal(
            wide["cells"]!.AsArray().Where(cell => cell!["surveyId"]!.GetValue<Guid>() == a).Select(cell => cell!.ToJsonString()),
            onlyA["cells"]!.AsArray().Select(cell => cell!.ToJsonString()));
        // Week 1: A's 6 and B's lone answer make 7; hiding only B would leave 1, so A is hidden too. Week 2: both shown.
        Assert.Equal([true, true, false, false], wide["cells"]!.AsArray().Select(cell => cell!["suppressed"]!.GetValue<bool>()));
        Assert.Equal(10, wide["totals"]!["responses"]!.GetValue<int>());
    }

    /// <summary>Moves the clock past the end of the current week (and its publication delay): partners see ended weeks only.</summary>
    private void EndTheWeek()
    {
        var now = factory.Clock.GetUtcNow();
        var nextWeek = new DateTimeOffset(InsightsTests.WeekStart(now).AddDays(7).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        factory.Clock.Advance(nextWeek - now + TimeSpan.FromHours(2));
    }

    private async Task<Guid> CreateAsync(Guid partner, string name, bool npsRequired = true)
    {
        var definition = SurveysClient.Widget(partner);
        definition["name"] = $"Survey {name}";
        definition["questions"]![0]!["required"] = npsRequired;
        return (await _client.CreateSurveyAsync(definition))["id"]!.GetValue<Guid>();
    }

    private async Task RespondAsync(Guid surveyId, Guid partner, string touchpoint, JsonArray answers)
    {
        var response = await _client.Storefront.PostAsJsonAsync("/api/surveys/responses", new JsonObject
        {
            ["surveyId"] = surveyId, ["visitorId"] = SurveysClient.NewVisitor(), ["partnerId"] = partner, ["touchpoint"] = touchpoint, ["answers"] = answers,
        }, Ct);
        await response.ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
    }

    private static async Task<JsonObject> ReportAsync(HttpClient portal, DateOnly from, DateOnly to, string? by = null)
    {
        var url = $"/api/surveys/partner-insights?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}" + (by is null ? "" : $"&by={by}");
        return await (await portal.GetAsync(url, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
    }

    public void Dispose() => _client.Dispose();
}

/// <summary>Partner weeks are the reporting time zone's (<c>Surveys:ReportingTimeZone</c>, as <c>Analytics:ReportingTimeZone</c>).</summary>
public sealed class ReportingZonePartnerInsightsTests(ReportingZoneSurveysApiFactory factory) : IClassFixture<ReportingZoneSurveysApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PartnerInsights_CutWeeksInTheReportingTimeZone_AsAnalyticsDoes()
    {
        using var client = new SurveysClient(factory);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(ReportingZoneSurveysApiFactory.TimeZone);
        var partner = Guid.NewGuid();
        var definition = SurveysClient.Widget(partner);
        var id = (await client.CreateSurveyAsync(definition))["id"]!.GetValue<Guid>();
        // The next local Monday, 00:00 at UTC+14, is Sunday 10:00 UTC: the same UTC week on both sides of it.
        var localToday = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(factory.Clock.GetUtcNow(), zone).DateTime);
        var nextLocalMonday = InsightsTests.WeekStart(new DateTimeOffset(localToday.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)).AddDays(7);
        var boundary = new DateTimeOffset(nextLocalMonday.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(14));
        factory.Clock.Advance(boundary.AddHours(-1) - factory.Clock.GetUtcNow());
        for (var index = 0; index < 5; index++)
        {
            await RespondAsync(client, id, partner, 10);
        }

        factory.Clock.Advance(TimeSpan.FromHours(2));
        await RespondAsync(client, id, partner, 0);
        factory.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromHours(1));
        using var portal = factory.CreatePartnerClient(partner);

        var report = await InsightsTests.PartnerReportAsync(portal, nextLocalMonday.AddDays(-7), nextLocalMonday.AddDays(6), id);

        // Analytics (same zone) shows the local week before the boundary with 5 answers and the one after with 1: a UTC
        // week of 6 here would give the lone detractor away.
        var cells = report["cells"]!.AsArray();
        Assert.Equal(
            [(nextLocalMonday.AddDays(-7), false, (int?)5), (nextLocalMonday, true, null)],
            cells.Select(cell => (DateOnly.Parse(cell!["weekStart"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture),
                cell!["suppressed"]!.GetValue<bool>(), cell!["responses"]?.GetValue<int>())));
        Assert.Equal(nextLocalMonday.AddDays(6).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), report["publishedThrough"]!.GetValue<string>());
    }

    private static async Task RespondAsync(SurveysClient client, Guid surveyId, Guid partner, int score)
    {
        var response = await client.Storefront.PostAsJsonAsync("/api/surveys/responses", new JsonObject
        {
            ["surveyId"] = surveyId, ["visitorId"] = SurveysClient.NewVisitor(), ["partnerId"] = partner, ["touchpoint"] = "order",
            ["answers"] = SurveysClient.Nps(score),
        }, Ct);
        await response.ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
    }
}
