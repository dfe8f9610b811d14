using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Surveys.FunctionalTests;

/// <summary>More responses than a report reads: admins are told, partners are refused; nothing is cut silently.</summary>
public sealed class InsightsLimitTests(SmallInsightsSurveysApiFactory factory) : IClassFixture<SmallInsightsSurveysApiFactory>, IDisposable
{
    private readonly SurveysClient _client = new(factory);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AdminInsights_OverTheRowLimit_SayIncompleteAndCountTheNewestResponses()
    {
        var partner = Guid.NewGuid();
        var id = (await _client.CreateSurveyAsync(SurveysClient.Widget(partner)))["id"]!.GetValue<Guid>();
        var within = await ReportAsync(id);
        Assert.True(within["complete"]!.GetValue<bool>());

        foreach (var score in new[] { 0, 10, 10, 10 })
        {
            await RespondAsync(id, partner, score);
        }

        var report = await ReportAsync(id);

        Assert.False(report["complete"]!.GetValue<bool>());
        Assert.Equal(SmallInsightsSurveysApiFactory.MaxRows, report["summary"]!["responses"]!.GetValue<int>());
        // The oldest response (the only detractor) is the one left out: the newest three are all promoters.
        Assert.Equal(100, report["summary"]!["nps"]!["score"]!.GetValue<double>());
    }

    [Fact]
    public async Task PartnerInsights_OverTheRowLimit_AreRefusedRatherThanCountedInPart()
    {
        var partner = Guid.NewGuid();
        var id = (await _client.CreateSurveyAsync(SurveysClient.Widget(partner)))["id"]!.GetValue<Guid>();
        for (var index = 0; index < SmallInsightsSurveysApiFactory.MaxRows + 1; index++)
        {
            await RespondAsync(id, partner, 9);
        }

        using var portal = factory.CreatePartnerClient(partner);
        var today = DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        // Partners see ended weeks only: read after this one ends.
        factory.Clock.Advance(TimeSpan.FromDays(8));
        var response = await portal.GetAsync($"/api/surveys/partner-insights?surveyId={id}&from={today}&to={today}", Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("range", problem.Detail, StringComparison.Ordinal);
    }

    private async Task<JsonObject> ReportAsync(Guid surveyId) =>
        await (await _client.Admin.GetAsync($"/api/surveys/insights?surveyId={surveyId}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

    private async Task RespondAsync(Guid surveyId, Guid partner, int score)
    {
        var response = await _client.Storefront.PostAsJsonAsync("/api/surveys/responses", new JsonObject
        {
            ["surveyId"] = surveyId, ["visitorId"] = SurveysClient.NewVisitor(), ["partnerId"] = partner, ["touchpoint"] = "order",
            ["answers"] = SurveysClient.Nps(score),
        }, Ct);
        await response.ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
    }

    public void Dispose() => _client.Dispose();
}
