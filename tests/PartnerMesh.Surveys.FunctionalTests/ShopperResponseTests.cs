using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Surveys.FunctionalTests;

/// <summary>
/// No double submission per shopper: a customer answers a <c>once</c> or <c>until-submitted</c> survey once, under any
/// visitor id (as the decision refuses them a second showing), and a <c>cooldown</c> survey answered without a showing
/// once per cooldown — also when the submissions race.
/// </summary>
public sealed class ShopperResponseTests(SurveysApiFactory factory) : IClassFixture<SurveysApiFactory>, IDisposable
{
    private readonly SurveysClient _client = new(factory);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("once")]
    [InlineData("until-submitted")]
    public async Task DirectResponse_SameCustomerUnderAnotherVisitorId_Returns409AlreadySubmitted_AndCountsOnce(string mode)
    {
        var partner = Guid.NewGuid();
        var surveyId = await CreateWidgetAsync(partner, mode);
        var customer = NewCustomer();

        var first = await PostAsync(Direct(surveyId, partner, SurveysClient.NewVisitor(), customer, score: 10));
        var second = await PostAsync(Direct(surveyId, partner, SurveysClient.NewVisitor(), customer, score: 0));
        var decision = await _client.DecideAsync(WidgetDecision(SurveysClient.NewVisitor(), partner, customer));

        await first.ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        Assert.Equal("already-submitted", (await second.ShouldBeProblemAsync(HttpStatusCode.Conflict)).Extensions["reason"]!.ToString());
        Assert.Equal("frequency", decision["reason"]!.GetValue<string>());
        Assert.Equal([10], await ScoresAsync(surveyId));
    }

    [Fact]
    public async Task ResponseToAShowing_ForACustomerWhoAnsweredUnderAnotherVisitorId_Returns409AlreadySubmitted()
    {
        var partner = Guid.NewGuid();
        var surveyId = (await _client.CreateSurveyAsync(DecisionTests.Targeted(partner)))["id"]!.GetValue<Guid>();
        var customer = NewCustomer();
        await (await PostAsync(Direct(surveyId, partner, SurveysClient.NewVisitor(), customer, score: 9))).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        // Shown to a visitor the storefront learns only afterwards is that customer (a login after the showing).
        var (visitor, impression) = await _client.ShowAsync(surveyId, partner);

        var response = await PostAsync(new JsonObject
        {
            ["impressionId"] = impression, ["visitorId"] = visitor, ["customerId"] = customer, ["answers"] = SurveysClient.Nps(1),
        });

        Assert.Equal("already-submitted", (await response.ShouldBeProblemAsync(HttpStatusCode.Conflict)).Extensions["reason"]!.ToString());
        Assert.Equal([9], await ScoresAsync(surveyId));
    }

    [Theory]
    [InlineData("once")]
    [InlineData("cooldown")]
    public async Task ConcurrentResponses_OneCustomerUnderTenVisitorIds_OneWins(string mode)
    {
        var partner = Guid.NewGuid();
        var surveyId = await CreateWidgetAsync(partner, mode);
        var customer = NewCustomer();

        var responses = await Task.WhenAll(Enumerable.Range(0, 10)
            .Select(score => PostAsync(Direct(surveyId, partner, SurveysClient.NewVisitor(), customer, score))));

        Assert.Single(responses, response => response.StatusCode == HttpStatusCode.Created);
        Assert.All(responses.Where(response => response.StatusCode != HttpStatusCode.Created),
            response => Assert.Equal(HttpStatusCode.Conflict, response.StatusCode));
        Assert.Single(await ScoresAsync(surveyId));
    }

    [Fact]
    public async Task RetryWithTheSameIdempotencyKey_GetsTheFirstResponse_TheSameCustomerWithoutItIs409()
    {
        var partner = Guid.NewGuid();
        var surveyId = await CreateWidgetAsync(partner, "once");
        var customer = NewCustomer();
        var body = Direct(surveyId, partner, SurveysClient.NewVisitor(), customer, score: 8);
        var key = Guid.NewGuid().ToString();

        var first = await PostAsync(body, key);
        var retried = await PostAsync(body, key);
        var otherVisitor = await PostAsync(Direct(surveyId, partner, SurveysClient.NewVisitor(), customer, score: 8));

        var created = await first.ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        Assert.Equal(created["id"]!.GetValue<Guid>(), (await retried.ShouldBeAsync<JsonObject>(HttpStatusCode.OK))["id"]!.GetValue<Guid>());
        Assert.Equal("already-submitted", (await otherVisitor.ShouldBeProblemAsync(HttpStatusCode.Conflict)).Extensions["reason"]!.ToString());
        Assert.Equal([8], await ScoresAsync(surveyId));
    }

    [Fact]
    public async Task CooldownSurvey_DirectResponses_OnePerShopperWithinTheCooldown_AgainAfterIt_AsTheDecisionShowsIt()
    {
        var partner = Guid.NewGuid();
        var surveyId = await CreateWidgetAsync(partner, "cooldown", cooldownHours: 24);
        var customer = NewCustomer();
        var visitor = SurveysClient.NewVisitor();

        var first = await PostAsync(Direct(surveyId, partner, visitor, customer, score: 10));
        var sameCustomer = await PostAsync(Direct(surveyId, partner, SurveysClient.NewVisitor(), customer, score: 0));
        var sameVisitor = await PostAsync(Direct(surveyId, partner, visitor, null, score: 0));
        factory.Clock.Advance(TimeSpan.FromHours(25));
        var decision = await _client.DecideAsync(WidgetDecision(SurveysClient.NewVisitor(), partner, customer));
        var afterCooldown = await PostAsync(Direct(surveyId, partner, SurveysClient.NewVisitor(), customer, score: 7));
        var sameVisitorAfterCooldown = await PostAsync(Direct(surveyId, partner, visitor, null, score: 6));

        await first.ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        Assert.Equal("already-submitted", (await sameCustomer.ShouldBeProblemAsync(HttpStatusCode.Conflict)).Extensions["reason"]!.ToString());
        Assert.Equal("already-submitted", (await sameVisitor.ShouldBeProblemAsync(HttpStatusCode.Conflict)).Extensions["reason"]!.ToString());
        Assert.True(decision["show"]!.GetValue<bool>(), decision.ToJsonString());
        await afterCooldown.ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        await sameVisitorAfterCooldown.ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        Assert.Equal([6, 7, 10], (await ScoresAsync(surveyId)).Order());
    }

    private async Task<Guid> CreateWidgetAsync(Guid partner, string mode, int? cooldownHours = null)
    {
        var definition = SurveysClient.Widget(partner);
        definition["eventName"] = $"widget-{partner:N}";
        definition["frequency"] = new JsonObject { ["mode"] = mode, ["cooldownHours"] = cooldownHours ?? (mode == "cooldown" ? 1 : null) };
        return (await _client.CreateSurveyAsync(definition))["id"]!.GetValue<Guid>();
    }

    private static JsonObject WidgetDecision(string visitor, Guid partner, string customer)
    {
        var decision = SurveysClient.Decision(visitor, "order", "event", partner);
        decision["eventName"] = $"widget-{partner:N}";
        decision["customerId"] = customer;
        return decision;
    }

    private static JsonObject Direct(Guid surveyId, Guid partner, string visitor, string? customer, int score) => new()
    {
        ["surveyId"] = surveyId, ["visitorId"] = visitor, ["customerId"] = customer, ["partnerId"] = partner, ["touchpoint"] = "order",
        ["answers"] = SurveysClient.Nps(score),
    };

    private async Task<HttpResponseMessage> PostAsync(JsonObject body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/surveys/responses") { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await _client.Storefront.SendAsync(request, Ct);
    }

    private Task<List<int>> ScoresAsync(Guid surveyId) =>
        factory.QueryDbAsync(db => db.Responses.AsNoTracking().Where(row => row.SurveyId == surveyId).Select(row => row.NpsScore!.Value).ToListAsync(Ct));

    private static string NewCustomer() => $"customer-{Guid.NewGuid():N}";

    public void Dispose() => _client.Dispose();
}
