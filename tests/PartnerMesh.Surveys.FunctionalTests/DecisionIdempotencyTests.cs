using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Outbox;
using PartnerMesh.ServiceDefaults.WebApi;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Surveys.FunctionalTests;

/// <summary>
/// <c>POST /decisions</c> with an <c>Idempotency-Key</c>: a storefront retrying a timed-out decision gets the same showing
/// back, and no second showing is counted (no impression, no <c>SurveyShown</c>).
/// </summary>
public sealed class DecisionIdempotencyTests(SurveysApiFactory factory) : IClassFixture<SurveysApiFactory>, IDisposable
{
    private readonly SurveysClient _client = new(factory);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Decide_RetriedWithSameIdempotencyKey_ReplaysTheShowing_WithoutASecondImpressionOrEvent()
    {
        var partner = Guid.NewGuid();
        var surveyId = (await _client.CreateSurveyAsync(DecisionTests.Targeted(partner)))["id"]!.GetValue<Guid>();
        var visitor = SurveysClient.NewVisitor();
        var key = Guid.NewGuid().ToString();

        var first = await (await DecideAsync(_client.Storefront, SurveysClient.Decision(visitor, partnerId: partner), key)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var retry = await (await DecideAsync(_client.Storefront, SurveysClient.Decision(visitor, partnerId: partner), key)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        Assert.True(first["show"]!.GetValue<bool>(), first.ToJsonString());
        Assert.Equal(surveyId, first["survey"]!["id"]!.GetValue<Guid>());
        // The same decision: the same showing of the same survey version and questions (a "once" survey would otherwise say "frequency").
        Assert.True(JsonNode.DeepEquals(first, retry), $"{first.ToJsonString()} <> {retry.ToJsonString()}");
        Assert.Equal([first["impressionId"]!.GetValue<Guid>()], await ShowingsOfAsync(factory, visitor));
        Assert.Equal(1, await ShownEventsOfAsync(factory, visitor));
    }

    [Fact]
    public async Task Decide_RetriedAfterTheSurveyIsPaused_StillReplaysItsShowing()
    {
        var partner = Guid.NewGuid();
        var surveyId = (await _client.CreateSurveyAsync(DecisionTests.Targeted(partner)))["id"]!.GetValue<Guid>();
        var visitor = SurveysClient.NewVisitor();
        var key = Guid.NewGuid().ToString();
        var first = await (await DecideAsync(_client.Storefront, SurveysClient.Decision(visitor, partnerId: partner), key)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        await (await _client.Admin.PostAsync($"/api/surveys/surveys/{surveyId}/pause", null, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var retry = await (await DecideAsync(_client.Storefront, SurveysClient.Decision(visitor, partnerId: partner), key)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        Assert.True(JsonNode.DeepEquals(first, retry), $"{first.ToJsonString()} <> {retry.ToJsonString()}");
        Assert.Single(await ShowingsOfAsync(factory, visitor));
    }

    [Fact]
    public async Task Decide_SameIdempotencyKeyWithAnotherRequest_Returns409_AndShowsNothing()
    {
        var partner = Guid.NewGuid();
        await _client.CreateSurveyAsync(DecisionTests.Targeted(partner));
        var key = Guid.NewGuid().ToString();
        var first = await (await DecideAsync(_client.Storefront, SurveysClient.Decision(SurveysClient.NewVisitor(), partnerId: partner), key))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.True(first["show"]!.GetValue<bool>());
        var other = SurveysClient.NewVisitor();

        var response = await DecideAsync(_client.Storefront, SurveysClient.Decision(other, partnerId: partner), key);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("idempotency-key-reused", problem.Extensions["reason"]?.ToString());
        Assert.Empty(await ShowingsOfAsync(factory, other));
        Assert.Equal(0, await ShownEventsOfAsync(factory, other));
    }

    [Fact]
    public async Task Decide_KeyOfAnEmailLink_Returns409_AndShowsNothing()
    {
        var emailSurvey = (await _client.CreateSurveyAsync(SurveysClient.NpsSurvey(touchpoints: new JsonArray("email"))))["id"]!.GetValue<Guid>();
        var key = Guid.NewGuid().ToString();
        using var issue = new HttpRequestMessage(HttpMethod.Post, $"/api/surveys/surveys/{emailSurvey}/email-links")
        {
            Content = JsonContent.Create(new JsonObject { ["orderId"] = $"order-{Guid.NewGuid():N}" }),
        };
        issue.Headers.Add(IdempotencyKeys.Header, key);
        await (await _client.Storefront.SendAsync(issue, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var partner = Guid.NewGuid();
        await _client.CreateSurveyAsync(DecisionTests.Targeted(partner));
        var visitor = SurveysClient.NewVisitor();

        var response = await DecideAsync(_client.Storefront, SurveysClient.Decision(visitor, partnerId: partner), key);

        await response.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Empty(await ShowingsOfAsync(factory, visitor));
    }

    public static TheoryData<string> InvalidKeys => [new string('k', IdempotencyKeys.MaxLength + 1), "tab\tinside"];

    [Theory]
    [MemberData(nameof(InvalidKeys))]
    public async Task Decide_InvalidIdempotencyKey_Returns400_AndShowsNothing(string key)
    {
        var partner = Guid.NewGuid();
        await _client.CreateSurveyAsync(DecisionTests.Targeted(partner));
        var visitor = SurveysClient.NewVisitor();

        var response = await DecideAsync(_client.Storefront, SurveysClient.Decision(visitor, partnerId: partner), key);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(IdempotencyKeys.Header, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Empty(await ShowingsOfAsync(factory, visitor));
    }

    [Fact]
    public async Task Decide_WithIdempotencyKey_ThatShowsNothing_StoresNothing_AndItsRetryIsDecidedAgain()
    {
        var partner = Guid.NewGuid();
        var visitor = SurveysClient.NewVisitor();
        var key = Guid.NewGuid().ToString();

        var nothing = await (await DecideAsync(_client.Storefront, SurveysClient.Decision(visitor, partnerId: partner), key)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        await _client.CreateSurveyAsync(DecisionTests.Targeted(partner));
        var retry = await (await DecideAsync(_client.Storefront, SurveysClient.Decision(visitor, partnerId: partner), key)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        Assert.False(nothing["show"]!.GetValue<bool>());
        Assert.Equal("no-eligible-survey", nothing["reason"]!.GetValue<string>());
        Assert.True(retry["show"]!.GetValue<bool>(), retry.ToJsonString());
        Assert.Single(await ShowingsOfAsync(factory, visitor));
    }

    internal static async Task<HttpResponseMessage> DecideAsync(HttpClient storefront, JsonObject decision, string idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/surveys/decisions") { Content = JsonContent.Create(decision) };
        request.Headers.TryAddWithoutValidation(IdempotencyKeys.Header, idempotencyKey);
        return await storefront.SendAsync(request, Ct);
    }

    internal static Task<List<Guid>> ShowingsOfAsync(SurveysApiFactory factory, string visitor) =>
        factory.QueryDbAsync(db => db.Impressions.AsNoTracking().Where(row => row.VisitorId == visitor).Select(row => row.Id).ToListAsync(Ct));

    internal static async Task<int> ShownEventsOfAsync(SurveysApiFactory factory, string visitor) =>
        (await factory.QueryDbAsync(db => db.Set<OutboxMessage>().Where(message => message.MessageUrn == DecisionTests.ShownUrn)
            .Select(message => message.Payload).ToListAsync(Ct)))
        .Count(payload => payload.Contains(visitor, StringComparison.Ordinal));

    public void Dispose() => _client.Dispose();
}

/// <summary>Retries racing each other, on a survey that nothing but the key keeps from showing again.</summary>
public sealed class ConcurrentDecisionIdempotencyTests(NoGlobalCooldownSurveysApiFactory factory) : IClassFixture<NoGlobalCooldownSurveysApiFactory>
{
    [Fact]
    public async Task Decide_TwentyParallelRetriesWithOneIdempotencyKey_ShowOnce_AndAllGetTheSameShowing()
    {
        using var client = new SurveysClient(factory);
        var partner = Guid.NewGuid();
        // Until submitted, without a cooldown, and no global cooldown: every decision without a key shows it again.
        await client.CreateSurveyAsync(DecisionTests.Targeted(partner, "until-submitted"));
        var visitor = SurveysClient.NewVisitor();
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            DecisionIdempotencyTests.DecideAsync(client.Storefront, SurveysClient.Decision(visitor, partnerId: partner), key)));
        var decisions = await Task.WhenAll(responses.Select(response => response.ShouldBeAsync<JsonObject>(HttpStatusCode.OK)));

        Assert.All(decisions, decision => Assert.True(decision["show"]!.GetValue<bool>(), decision.ToJsonString()));
        var impressionId = Assert.Single(decisions.Select(decision => decision["impressionId"]!.GetValue<Guid>()).Distinct());
        Assert.Equal([impressionId], await DecisionIdempotencyTests.ShowingsOfAsync(factory, visitor));
        Assert.Equal(1, await DecisionIdempotencyTests.ShownEventsOfAsync(factory, visitor));

        // Without the key the same request is a new showing: the key, not the survey's frequency, kept the retries to one.
        var again = await client.DecideAsync(SurveysClient.Decision(visitor, partnerId: partner));
        Assert.True(again["show"]!.GetValue<bool>());
        Assert.NotEqual(impressionId, again["impressionId"]!.GetValue<Guid>());
    }
}
