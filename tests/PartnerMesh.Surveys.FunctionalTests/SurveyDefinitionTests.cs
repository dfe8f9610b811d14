using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Surveys.FunctionalTests;

public sealed class SurveyDefinitionTests(SurveysApiFactory factory) : IClassFixture<SurveysApiFactory>, IDisposable
{
    private readonly SurveysClient _client = new(factory);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ExitIntentSurvey_WithoutQuestions_IsPrefilledWithTheReasonCodes()
    {
        var survey = await _client.CreateSurveyAsync(new JsonObject { ["name"] = "Why leave?", ["kind"] = "exit-intent" });

        Assert.Equal("exit-intent", survey["trigger"]!.GetValue<string>());
        Assert.Equal(["cart", "checkout", "product"], survey["touchpoints"]!.AsArray().Select(node => node!.GetValue<string>()));
        var question = Assert.Single(survey["questions"]!.AsArray())!;
        Assert.Equal("multiple-choice", question["type"]!.GetValue<string>());
        Assert.True(question["allowOther"]!.GetValue<bool>());
        Assert.Equal(
            ["extra-costs", "delivery-too-slow", "no-trust-card-details", "forced-account", "checkout-too-long", "just-browsing", "better-price", "coupon-did-not-work"],
            question["options"]!.AsArray().Select(option => option!["code"]!.GetValue<string>()));
        Assert.Equal(1, survey["version"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("""{"name":"x","kind":"quiz"}""", "kind")]
    [InlineData("""{"name":"","kind":"nps","questions":[{"id":"q","type":"nps","text":"t"}]}""", "name")]
    [InlineData("""{"name":"x","kind":"nps","questions":[{"id":"q","type":"nps","text":"t","options":[{"code":"a","label":"A"}]}]}""", "questions[0].options")]
    [InlineData("""{"name":"x","kind":"custom","trigger":"event","questions":[{"id":"q","type":"free-text","text":"t"}]}""", "eventName")]
    [InlineData("""{"name":"x","kind":"nps","samplingPercent":101,"questions":[{"id":"q","type":"nps","text":"t"}]}""", "samplingPercent")]
    [InlineData("""{"name":"x","kind":"nps","frequency":{"mode":"cooldown"},"questions":[{"id":"q","type":"nps","text":"t"}]}""", "frequency.cooldownHours")]
    [InlineData("""{"name":"x","kind":"nps","frequency":{"mode":"once","cooldownHours":5},"questions":[{"id":"q","type":"nps","text":"t"}]}""", "frequency.cooldownHours")]
    [InlineData("""{"name":"x","kind":"custom","trigger":"exit-intent","questions":[{"id":"q","type":"multiple-choice","text":"t","options":[{"code":"a","label":"A"},{"code":"b","label":"B"}],"maxSelections":3}]}""", "questions[0].maxSelections")]
    [InlineData("""{"name":"x","kind":"custom","trigger":"exit-intent","questions":[{"id":"q","type":"multiple-choice","text":"t","options":[{"code":"a","label":"A"}],"allowOther":false,"maxSelections":2}]}""", "questions[0].maxSelections")]
    [InlineData("""{"name":"x","kind":"custom","trigger":"exit-intent","questions":[{"id":"q","type":"multiple-choice","text":"t","options":[{"code":"a","label":"A"},{"code":"b","label":"B"}],"allowOther":true,"maxSelections":4}]}""", "questions[0].maxSelections")]
    [InlineData("""{"name":"x","kind":"exit-intent","touchpoints":["order"]}""", "touchpoints")]
    [InlineData("""{"name":"x","kind":"nps","questions":[{"id":"q","type":"nps","text":"t"},{"id":"q","type":"csat","text":"t"}]}""", "questions[1].id")]
    [InlineData("""{"name":"x","kind":"custom","trigger":"exit-intent","questions":[{"id":"q","type":"single-choice","text":"t","options":[{"code":"other","label":"O"}]}]}""", "questions[0].options[0].code")]
    [InlineData("""{"name":"x","kind":"nps","trigger":"event","eventName":"e","questions":[{"id":"q","type":"free-text","text":"t"}]}""", "questions")]
    [InlineData("""{"name":"x","kind":"csat","questions":[{"id":"q","type":"nps","text":"t"}]}""", "questions")]
    public async Task InvalidDefinition_Returns400_NamingTheField(string json, string field)
    {
        var response = await _client.Admin.PostAsync("/api/surveys/surveys", new StringContent(json, Encoding.UTF8, "application/json"), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.Extensions.ContainsKey("errors"));
        Assert.Contains($"\"{field}\"", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nps", "csat")]
    [InlineData("csat", "nps")]
    public async Task SurveyOfAScoreKind_WithoutItsScoreQuestion_Returns400OnQuestions_OnCreateAndUpdate(string kind, string otherType)
    {
        var definition = new JsonObject
        {
            ["name"] = "Score", ["kind"] = kind,
            ["questions"] = new JsonArray(new JsonObject { ["id"] = "q", ["type"] = otherType, ["text"] = "t" }, new JsonObject { ["id"] = "why", ["type"] = "free-text", ["text"] = "Why?" }),
        };
        var existing = await _client.CreateSurveyAsync(SurveysClient.NpsSurvey());

        var created = await _client.Admin.PostAsJsonAsync("/api/surveys/surveys", definition, Ct);
        var updated = await _client.Admin.PutAsJsonAsync($"/api/surveys/surveys/{existing["id"]}", definition, Ct);

        foreach (var response in new[] { created, updated })
        {
            var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
            var errors = (JsonElement)problem.Extensions["errors"]!;
            Assert.Contains($"kind {kind} needs a question of type {kind}", errors.GetProperty("questions")[0].GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task MalformedJson_Returns400Problem()
    {
        var response = await _client.Admin.PostAsync("/api/surveys/surveys", new StringContent("{\"name\":", Encoding.UTF8, "application/json"), Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Create_WithIdempotencyKey_ReplaysTheSameSurvey_AndRefusesAnotherBody()
    {
        var key = Guid.NewGuid().ToString();
        var first = await PostWithKeyAsync(SurveysClient.NpsSurvey(), key);
        var replay = await PostWithKeyAsync(SurveysClient.NpsSurvey(), key);
        var other = SurveysClient.NpsSurvey();
        other["name"] = "Another";
        var conflict = await PostWithKeyAsync(other, key);

        var created = await first.ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var replayed = await replay.ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal(created["id"]!.GetValue<Guid>(), replayed["id"]!.GetValue<Guid>());
        await conflict.ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task ChangedQuestions_MakeANewVersion_TheOldOneStaysReadable()
    {
        var survey = await _client.CreateSurveyAsync(SurveysClient.NpsSurvey());
        var id = survey["id"]!.GetValue<Guid>();
        var changed = SurveysClient.NpsSurvey();
        changed["questions"]!.AsArray().Add(new JsonObject { ["id"] = "extra", ["type"] = "free-text", ["text"] = "Anything else?" });

        var sameQuestions = await (await _client.Admin.PutAsJsonAsync($"/api/surveys/surveys/{id}", SurveysClient.NpsSurvey(), Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var updated = await (await _client.Admin.PutAsJsonAsync($"/api/surveys/surveys/{id}", changed, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var first = await (await _client.Admin.GetAsync($"/api/surveys/surveys/{id}/versions/1", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        Assert.Equal(1, sameQuestions["version"]!.GetValue<int>());
        Assert.Equal(2, updated["version"]!.GetValue<int>());
        Assert.Equal(4, updated["questions"]!.AsArray().Count);
        Assert.Equal(3, first["questions"]!.AsArray().Count);
    }

    [Fact]
    public async Task UnknownSurvey_Returns404Problem()
    {
        await (await _client.Admin.GetAsync($"/api/surveys/surveys/{Guid.NewGuid()}", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await _client.Admin.PostAsync($"/api/surveys/surveys/{Guid.NewGuid()}/pause", null, Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await _client.Admin.PutAsJsonAsync($"/api/surveys/surveys/{Guid.NewGuid()}", SurveysClient.NpsSurvey(), Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task StorefrontKey_CannotCreateSurveys_Returns403()
    {
        var response = await _client.Storefront.PostAsJsonAsync("/api/surveys/surveys", SurveysClient.NpsSurvey(), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task List_PagesWithACursor()
    {
        for (var index = 0; index < 3; index++)
        {
            await _client.CreateSurveyAsync(SurveysClient.NpsSurvey());
        }

        var page = await (await _client.Admin.GetAsync("/api/surveys/surveys?limit=2", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var cursor = page["nextCursor"]!.GetValue<string>();
        var next = await (await _client.Admin.GetAsync($"/api/surveys/surveys?limit=2&after={cursor}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var lastId = page["items"]!.AsArray()[^1]!["id"]!.GetValue<Guid>();
        var byId = await (await _client.Admin.GetAsync($"/api/surveys/surveys?limit=2&after={lastId}", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(2, page["items"]!.AsArray().Count);
        Assert.NotEmpty(next["items"]!.AsArray());
        Assert.DoesNotContain(next["items"]!.AsArray(), item => page["items"]!.AsArray().Any(seen => seen!["id"]!.GetValue<Guid>() == item!["id"]!.GetValue<Guid>()));
        Assert.Contains("\"after\"", byId.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
        await (await _client.Admin.GetAsync("/api/surveys/surveys?limit=0", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        var badCursor = await (await _client.Admin.GetAsync("/api/surveys/surveys?after=not-a-cursor", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("\"after\"", badCursor.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> PostWithKeyAsync(JsonObject body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/surveys/surveys") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return await _client.Admin.SendAsync(request, Ct);
    }

    public void Dispose() => _client.Dispose();
}
