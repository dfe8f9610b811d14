using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.ServiceDefaults.WebApi;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Surveys.FunctionalTests;

/// <summary>The <c>Idempotency-Key</c> of the creating POSTs: surveys and email links (responses: <see cref="ResponseTests"/>).</summary>
public sealed class IdempotencyKeyTests(SurveysApiFactory factory) : IClassFixture<SurveysApiFactory>, IDisposable
{
    private readonly SurveysClient _client = new(factory);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateSurvey_RetriedWithSameIdempotencyKey_Returns200WithTheSameSurvey_AndCreatesNothing()
    {
        var survey = Named(SurveysClient.NpsSurvey());
        var key = Guid.NewGuid().ToString();

        var created = await (await PostAsync(_client.Admin, "/api/surveys/surveys", survey, key)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var replayed = await (await PostAsync(_client.Admin, "/api/surveys/surveys", survey.DeepClone(), key)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        Assert.Equal(created["id"]!.GetValue<Guid>(), replayed["id"]!.GetValue<Guid>());
        Assert.Equal([created["id"]!.GetValue<Guid>()], await SurveyIdsNamedAsync(survey["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task CreateSurvey_ConcurrentRetriesWithSameIdempotencyKey_CreateOneSurvey()
    {
        var survey = Named(SurveysClient.NpsSurvey());
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => PostAsync(_client.Admin, "/api/surveys/surveys", survey.DeepClone(), key)));

        Assert.Single(responses, response => response.StatusCode == HttpStatusCode.Created);
        Assert.All(responses, response => Assert.Contains(response.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.OK }));
        Assert.Single(await SurveyIdsNamedAsync(survey["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task CreateSurvey_OverLongIdempotencyKey_Returns400_AndCreatesNothing()
    {
        var survey = Named(SurveysClient.NpsSurvey());

        var response = await PostAsync(_client.Admin, "/api/surveys/surveys", survey, new string('k', IdempotencyKeys.MaxLength + 1));

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("Idempotency-Key", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Empty(await SurveyIdsNamedAsync(survey["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task IssueEmailLink_RetriedWithSameIdempotencyKey_Returns200WithTheSameLink_AndIssuesNothingMore()
    {
        var surveyId = await EmailSurveyAsync();
        var order = new JsonObject { ["orderId"] = $"order-{Guid.NewGuid():N}", ["customerId"] = $"c-{Guid.NewGuid():N}", ["email"] = $"shopper-{Guid.NewGuid():N}@example.com" };
        var key = Guid.NewGuid().ToString();

        var first = await (await PostAsync(_client.Storefront, LinksOf(surveyId), order, key)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var retry = await (await PostAsync(_client.Storefront, LinksOf(surveyId), order.DeepClone(), key)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        Assert.Equal(first["token"]!.GetValue<string>(), retry["token"]!.GetValue<string>());
        Assert.Equal([first["impressionId"]!.GetValue<Guid>()], await ShowingsOfAsync(surveyId));
    }

    [Fact]
    public async Task IssueEmailLink_SameIdempotencyKeyForAnotherOrder_Returns409_AndIssuesNothing()
    {
        var surveyId = await EmailSurveyAsync();
        var key = Guid.NewGuid().ToString();
        var first = await (await PostAsync(_client.Storefront, LinksOf(surveyId), Order(), key)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        var response = await PostAsync(_client.Storefront, LinksOf(surveyId), Order(), key);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(IdempotencyKeys.ReusedReason, problem.Extensions["reason"]?.ToString());
        Assert.Contains("email link", problem.Detail, StringComparison.Ordinal);
        Assert.Equal([first["impressionId"]!.GetValue<Guid>()], await ShowingsOfAsync(surveyId));
    }

    [Fact]
    public async Task IssueEmailLink_WithTheKeyOfADecision_Returns409WithReason_NamingTheDecision_AndIssuesNothing()
    {
        var surveyId = await EmailSurveyAsync();
        var key = Guid.NewGuid().ToString();
        var partner = Guid.NewGuid();
        await _client.CreateSurveyAsync(DecisionTests.Targeted(partner));
        var decision = await (await PostAsync(_client.Storefront, "/api/surveys/decisions", SurveysClient.Decision(SurveysClient.NewVisitor(), partnerId: partner), key))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.True(decision["show"]!.GetValue<bool>(), decision.ToJsonString());

        var response = await PostAsync(_client.Storefront, LinksOf(surveyId), Order(), key);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(IdempotencyKeys.ReusedReason, problem.Extensions["reason"]?.ToString());
        Assert.Contains("decision", problem.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("email link", problem.Detail, StringComparison.Ordinal);
        Assert.Empty(await ShowingsOfAsync(surveyId));
    }

    [Fact]
    public async Task CreateSurvey_SameIdempotencyKeyForAnotherSurvey_Returns409WithReason()
    {
        var key = Guid.NewGuid().ToString();
        await (await PostAsync(_client.Admin, "/api/surveys/surveys", Named(SurveysClient.NpsSurvey()), key)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        var response = await PostAsync(_client.Admin, "/api/surveys/surveys", Named(SurveysClient.NpsSurvey()), key);

        Assert.Equal(IdempotencyKeys.ReusedReason, (await response.ShouldBeProblemAsync(HttpStatusCode.Conflict)).Extensions["reason"]?.ToString());
    }

    [Fact]
    public async Task IssueEmailLink_ConcurrentRetriesForDifferentOrdersWithSameIdempotencyKey_IssueOneLink()
    {
        var surveyId = await EmailSurveyAsync();
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => PostAsync(_client.Storefront, LinksOf(surveyId), Order(), key)));

        Assert.Single(responses, response => response.StatusCode == HttpStatusCode.Created);
        Assert.All(responses, response => Assert.Contains(response.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
        Assert.Single(await ShowingsOfAsync(surveyId));
    }

    [Fact]
    public async Task IssueEmailLink_OverLongIdempotencyKey_Returns400_AndIssuesNothing()
    {
        var surveyId = await EmailSurveyAsync();

        var response = await PostAsync(_client.Storefront, LinksOf(surveyId), Order(), new string('k', IdempotencyKeys.MaxLength + 1));

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("Idempotency-Key", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Empty(await ShowingsOfAsync(surveyId));
    }

    private static JsonObject Named(JsonObject survey)
    {
        survey["name"] = $"Idempotent {Guid.NewGuid():N}";
        return survey;
    }

    private static JsonObject Order() => new() { ["orderId"] = $"order-{Guid.NewGuid():N}", ["customerId"] = $"c-{Guid.NewGuid():N}" };

    private static string LinksOf(Guid surveyId) => $"/api/surveys/surveys/{surveyId}/email-links";

    private async Task<Guid> EmailSurveyAsync()
    {
        var survey = SurveysClient.NpsSurvey(touchpoints: new JsonArray("email"));
        return (await _client.CreateSurveyAsync(survey))["id"]!.GetValue<Guid>();
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string url, JsonNode body, string idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        return await client.SendAsync(request, Ct);
    }

    /// <summary>Every page of the survey list, filtered to one name.</summary>
    private async Task<List<Guid>> SurveyIdsNamedAsync(string name)
    {
        var ids = new List<Guid>();
        string? after = null;
        do
        {
            var page = await (await _client.Admin.GetAsync($"/api/surveys/surveys?limit=200{(after is null ? "" : $"&after={after}")}", Ct))
                .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
            ids.AddRange(page["items"]!.AsArray().Where(item => item!["name"]!.GetValue<string>() == name).Select(item => item!["id"]!.GetValue<Guid>()));
            after = page["nextCursor"]?.GetValue<string>();
        }
        while (after is not null);
        return ids;
    }

    /// <summary>Email links have no list endpoint: the showings they recorded are read from the database.</summary>
    private Task<List<Guid>> ShowingsOfAsync(Guid surveyId) =>
        factory.QueryDbAsync(db => db.Impressions.AsNoTracking().Where(row => row.SurveyId == surveyId).Select(row => row.Id).ToListAsync(Ct));

    public void Dispose() => _client.Dispose();
}
