using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerMesh.Redis.ContactFrequency;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Surveys.FunctionalTests;

public sealed class EmailLinkTests(SurveysApiFactory factory) : IClassFixture<SurveysApiFactory>, IDisposable
{
    private readonly SurveysClient _client = new(factory);

    /// <summary>The partner the email surveys of this class target.</summary>
    private readonly Guid _partner = Guid.NewGuid();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary><c>answers</c> is required (docs/api/surveys-api.json): a valid link's answer without it is a 400 naming it.</summary>
    [Fact]
    public async Task EmailLinkResponse_WithoutAnswers_IsA400NamingAnswers()
    {
        var (_, link) = await IssueAsync();
        var token = link["token"]!.GetValue<string>();

        var response = await _client.Storefront.PostAsJsonAsync($"/api/surveys/email-links/{token}/responses", new JsonObject(), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(((System.Text.Json.JsonElement)problem.Extensions["errors"]!).TryGetProperty("answers", out _), "errors names answers");
    }

    [Fact]
    public async Task EmailLink_OpensAndTakesOneResponse_ThenIsUsed()
    {
        var (surveyId, link) = await IssueAsync();
        var token = link["token"]!.GetValue<string>();

        var opened = await (await _client.Storefront.GetAsync($"/api/surveys/email-links/{token}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var answered = await _client.Storefront.PostAsJsonAsync($"/api/surveys/email-links/{token}/responses", new JsonObject { ["answers"] = SurveysClient.Nps(9) }, Ct);
        var reused = await _client.Storefront.PostAsJsonAsync($"/api/surveys/email-links/{token}/responses", new JsonObject { ["answers"] = SurveysClient.Nps(2) }, Ct);
        var reopened = await _client.Storefront.GetAsync($"/api/surveys/email-links/{token}", Ct);

        Assert.Equal(surveyId, opened["surveyId"]!.GetValue<Guid>());
        var response = await answered.ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        Assert.Equal("email", response["touchpoint"]!.GetValue<string>());
        Assert.StartsWith("order-", response["orderId"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("link-used", (await reused.ShouldBeProblemAsync(HttpStatusCode.Conflict)).Extensions["reason"]!.ToString());
        await reopened.ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task SameOrder_GetsTheSameLink()
    {
        var survey = await _client.CreateSurveyAsync(EmailSurvey());
        var id = survey["id"]!.GetValue<Guid>();
        var order = new JsonObject { ["orderId"] = $"order-{Guid.NewGuid():N}", ["customerId"] = $"c-{Guid.NewGuid():N}", ["partnerId"] = _partner };

        var first = await (await _client.Storefront.PostAsJsonAsync($"/api/surveys/surveys/{id}/email-links", order, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var second = await (await _client.Storefront.PostAsJsonAsync($"/api/surveys/surveys/{id}/email-links", order.DeepClone(), Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        Assert.Equal(first["token"]!.GetValue<string>(), second["token"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("a.b.c")]
    [InlineData("tampered")]
    [InlineData("resigned")]
    public async Task TamperedLink_Returns400_AndStoresNothing(string kind)
    {
        var (_, link) = await IssueAsync();
        var token = link["token"]!.GetValue<string>();
        var parts = token.Split('.');
        var bad = kind switch
        {
            "tampered" => $"{parts[0][..^2]}{(parts[0][^2] == 'A' ? 'B' : 'A')}{parts[0][^1]}.{parts[1]}",
            "resigned" => $"{parts[0]}.{parts[1][..^1]}{(parts[1][^1] == 'A' ? 'B' : 'A')}",
            _ => kind,
        };

        var response = await _client.Storefront.PostAsJsonAsync($"/api/surveys/email-links/{bad}/responses", new JsonObject { ["answers"] = SurveysClient.Nps(9) }, Ct);

        Assert.Equal("link-invalid", (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).Extensions["reason"]!.ToString());
        await (await _client.Storefront.PostAsJsonAsync($"/api/surveys/email-links/{token}/responses", new JsonObject { ["answers"] = SurveysClient.Nps(9) }, Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("signature=")]
    [InlineData("payload=")]
    [InlineData("payload==")]
    [InlineData(" leading")]
    [InlineData("trailing ")]
    public async Task LinkInAnotherSpelling_Returns400LinkInvalid_OnlyTheIssuedTokenWorks(string spelling)
    {
        var (_, link) = await IssueAsync();
        var token = link["token"]!.GetValue<string>();
        var parts = token.Split('.');
        var altered = spelling switch
        {
            "signature=" => token + "=",
            "payload=" => $"{parts[0]}=.{parts[1]}",
            "payload==" => $"{parts[0]}==.{parts[1]}",
            " leading" => " " + token,
            _ => token + " ",
        };
        var url = $"/api/surveys/email-links/{Uri.EscapeDataString(altered)}";

        var read = await _client.Storefront.GetAsync(url, Ct);
        var answer = await _client.Storefront.PostAsJsonAsync($"{url}/responses", new JsonObject { ["answers"] = SurveysClient.Nps(9) }, Ct);

        Assert.Equal("link-invalid", (await read.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).Extensions["reason"]!.ToString());
        Assert.Equal("link-invalid", (await answer.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).Extensions["reason"]!.ToString());
        await (await _client.Storefront.GetAsync($"/api/surveys/email-links/{token}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        await (await _client.Storefront.PostAsJsonAsync($"/api/surveys/email-links/{token}/responses", new JsonObject { ["answers"] = SurveysClient.Nps(9) }, Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
    }

    [Fact]
    public async Task ExpiredLink_Returns410()
    {
        var survey = await _client.CreateSurveyAsync(EmailSurvey());
        var link = await (await _client.Storefront.PostAsJsonAsync($"/api/surveys/surveys/{survey["id"]}/email-links",
            new JsonObject { ["orderId"] = $"order-{Guid.NewGuid():N}", ["partnerId"] = _partner, ["expiresInHours"] = 1 }, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        factory.Clock.Advance(TimeSpan.FromHours(2));
        var response = await _client.Storefront.PostAsJsonAsync($"/api/surveys/email-links/{link["token"]}/responses", new JsonObject { ["answers"] = SurveysClient.Nps(9) }, Ct);

        Assert.Equal("link-expired", (await response.ShouldBeProblemAsync(HttpStatusCode.Gone)).Extensions["reason"]!.ToString());
    }

    [Fact]
    public async Task LinkForASurveyWithoutEmail_Is422_WithoutOrder400()
    {
        var onSite = await _client.CreateSurveyAsync(SurveysClient.NpsSurvey());
        var email = await _client.CreateSurveyAsync(EmailSurvey());

        await (await _client.Storefront.PostAsJsonAsync($"/api/surveys/surveys/{onSite["id"]}/email-links", new JsonObject { ["orderId"] = "o-1" }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        await (await _client.Storefront.PostAsJsonAsync($"/api/surveys/surveys/{email["id"]}/email-links", new JsonObject(), Ct))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await _client.Storefront.PostAsJsonAsync($"/api/surveys/surveys/{Guid.NewGuid()}/email-links", new JsonObject { ["orderId"] = "o-1" }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task PausedSurvey_IssuesNoLink_422NotEligible_AndRecordsNothing()
    {
        var id = (await _client.CreateSurveyAsync(EmailSurvey()))["id"]!.GetValue<Guid>();
        await (await _client.Admin.PostAsync($"/api/surveys/surveys/{id}/pause", null, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var order = Order(_partner);

        await AssertNotEligibleAsync(await RequestLinkAsync(id, order), "paused");
        await AssertNothingRecordedAsync(order);
    }

    [Fact]
    public async Task SurveyForAnotherPartner_IssuesNoLink_422NotEligible_AndRecordsNothing()
    {
        var id = (await _client.CreateSurveyAsync(EmailSurvey()))["id"]!.GetValue<Guid>();
        var otherPartners = Order(Guid.NewGuid());
        var noPartner = Order(_partner);
        noPartner.Remove("partnerId");

        await AssertNotEligibleAsync(await RequestLinkAsync(id, otherPartners), "partner");
        await AssertNotEligibleAsync(await RequestLinkAsync(id, noPartner), "partner");
        await AssertNothingRecordedAsync(otherPartners);
        await AssertNothingRecordedAsync(noPartner);
    }

    [Fact]
    public async Task OnceSurvey_AlreadyShownToTheCustomer_IssuesNoLinkForTheirNextOrder()
    {
        var id = (await _client.CreateSurveyAsync(EmailSurvey()))["id"]!.GetValue<Guid>();
        var customer = $"c-{Guid.NewGuid():N}";
        await (await RequestLinkAsync(id, Order(_partner, customer))).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        // Past the shared recontact cooldown: only the survey's own "once" can refuse now.
        factory.Clock.Advance(TimeSpan.FromHours(25));
        var next = Order(_partner, customer);

        await AssertNotEligibleAsync(await RequestLinkAsync(id, next), "frequency");
        var nextOrder = next["orderId"]!.GetValue<string>();
        Assert.Equal(0, await factory.QueryDbAsync(db => db.Impressions.CountAsync(row => row.OrderId == nextOrder, Ct)));
        Assert.Equal(1, await factory.QueryDbAsync(db => db.Impressions.CountAsync(row => row.SurveyId == id, Ct)));
    }

    [Fact]
    public async Task OnSiteShowingOfAOnceSurvey_CountsForTheEmailLinkToo()
    {
        var definition = EmailSurvey();
        definition["touchpoints"] = new JsonArray("order", "email");
        definition["priority"] = 1000; // the on-site decision must pick this survey, whatever else this class made live
        var id = (await _client.CreateSurveyAsync(definition))["id"]!.GetValue<Guid>();
        var visitor = SurveysClient.NewVisitor();
        var shown = await _client.DecideAsync(SurveysClient.Decision(visitor, partnerId: _partner));
        Assert.True(shown["show"]!.GetValue<bool>());
        Assert.Equal(id, shown["survey"]!["id"]!.GetValue<Guid>());
        factory.Clock.Advance(TimeSpan.FromHours(25));
        var order = Order(_partner);
        order["visitorId"] = visitor;

        await AssertNotEligibleAsync(await RequestLinkAsync(id, order), "frequency");
    }

    [Fact]
    public async Task RetriedLinkResponse_WithTheSameAnswers_Returns200WithTheStoredResponse_OtherAnswers409()
    {
        var (_, link) = await IssueAsync();
        var token = link["token"]!.GetValue<string>();
        var url = $"/api/surveys/email-links/{token}/responses";

        var first = await (await _client.Storefront.PostAsJsonAsync(url, new JsonObject { ["answers"] = SurveysClient.Nps(9, 4) }, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var retry = await (await _client.Storefront.PostAsJsonAsync(url, new JsonObject { ["answers"] = SurveysClient.Nps(9, 4) }, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var other = await _client.Storefront.PostAsJsonAsync(url, new JsonObject { ["answers"] = SurveysClient.Nps(3, 4) }, Ct);

        Assert.Equal(first.ToJsonString(), retry.ToJsonString());
        Assert.Equal("link-used", (await other.ShouldBeProblemAsync(HttpStatusCode.Conflict)).Extensions["reason"]!.ToString());
        var impression = link["impressionId"]!.GetValue<Guid>();
        Assert.Equal(1, await factory.QueryDbAsync(db => db.Responses.CountAsync(row => row.ImpressionId == impression, Ct)));
    }

    [Fact]
    public async Task LinkResponse_WithIdempotencyKey_ReplaysForTheSameLink_ButTheKeyCannotAnswerAnotherLink()
    {
        var (_, link) = await IssueAsync();
        var (_, otherLink) = await IssueAsync();
        var key = Guid.NewGuid().ToString();

        var first = await (await PostWithKeyAsync(link, SurveysClient.Nps(8), key)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var retry = await (await PostWithKeyAsync(link, SurveysClient.Nps(8), key)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var reused = await PostWithKeyAsync(otherLink, SurveysClient.Nps(8), key);

        Assert.Equal(first["id"]!.GetValue<Guid>(), retry["id"]!.GetValue<Guid>());
        Assert.Equal("idempotency-key-reused", (await reused.ShouldBeProblemAsync(HttpStatusCode.Conflict)).Extensions["reason"]!.ToString());
        await (await PostWithKeyAsync(link, SurveysClient.Nps(8), new string('k', 101))).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    /// <summary>
    /// An email link's showing exists, so <c>POST /responses</c> does not call it unknown (404): it is a 422 that says to
    /// answer through the link, where the link's expiry and single use apply. Nothing is stored; the link still works.
    /// </summary>
    [Fact]
    public async Task EmailLinkShowing_AnsweredThroughPostResponses_Is422EmailLinkShowing_TheLinkStillTakesTheAnswer()
    {
        var survey = await _client.CreateSurveyAsync(EmailSurvey());
        var visitor = SurveysClient.NewVisitor();
        var order = Order(_partner);
        order["visitorId"] = visitor;
        var link = await (await RequestLinkAsync(survey["id"]!.GetValue<Guid>(), order)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var impression = link["impressionId"]!.GetValue<Guid>();

        var direct = await _client.SubmitAsync(impression, visitor, SurveysClient.Nps(3));

        var problem = await direct.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("email-link-showing", problem.Extensions["reason"]!.ToString());
        Assert.Contains("/email-links/{token}/responses", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(0, await factory.QueryDbAsync(db => db.Responses.CountAsync(row => row.ImpressionId == impression, Ct)));
        await (await _client.Storefront.PostAsJsonAsync($"/api/surveys/email-links/{link["token"]}/responses",
            new JsonObject { ["answers"] = SurveysClient.Nps(3) }, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
    }

    private async Task<HttpResponseMessage> PostWithKeyAsync(JsonObject link, JsonArray answers, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/surveys/email-links/{link["token"]}/responses")
        {
            Content = JsonContent.Create(new JsonObject { ["answers"] = answers }),
        };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return await _client.Storefront.SendAsync(request, Ct);
    }

    private async Task<(Guid SurveyId, JsonObject Link)> IssueAsync()
    {
        var survey = await _client.CreateSurveyAsync(EmailSurvey());
        var id = survey["id"]!.GetValue<Guid>();
        var link = await (await _client.Storefront.PostAsJsonAsync($"/api/surveys/surveys/{id}/email-links",
            new JsonObject { ["orderId"] = $"order-{Guid.NewGuid():N}", ["partnerId"] = _partner }, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        return (id, link);
    }

    private JsonObject EmailSurvey()
    {
        var survey = SurveysClient.NpsSurvey(touchpoints: new JsonArray("email"));
        survey["partnerIds"] = new JsonArray(_partner);
        return survey;
    }

    private Task<HttpResponseMessage> RequestLinkAsync(Guid surveyId, JsonObject order) =>
        _client.Storefront.PostAsJsonAsync($"/api/surveys/surveys/{surveyId}/email-links", order, Ct);

    private static JsonObject Order(Guid partner, string? customer = null) => new()
    {
        ["orderId"] = $"order-{Guid.NewGuid():N}", ["customerId"] = customer ?? $"c-{Guid.NewGuid():N}", ["partnerId"] = partner,
    };

    /// <summary>A refused link wrote nothing: no showing for the order, no contact recorded for the shopper.</summary>
    private async Task AssertNothingRecordedAsync(JsonObject order)
    {
        var orderId = order["orderId"]!.GetValue<string>();
        Assert.Equal(0, await factory.QueryDbAsync(db => db.Impressions.CountAsync(row => row.OrderId == orderId, Ct)));
        var contacts = factory.Services.GetRequiredService<ContactFrequencyRecord>();
        Assert.Null(await contacts.GetLastContactAsync(new ContactSubject(CustomerId: order["customerId"]!.GetValue<string>())));
    }

    private static async Task AssertNotEligibleAsync(HttpResponseMessage response, string eligibility)
    {
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("not-eligible", problem.Extensions["reason"]!.ToString());
        Assert.Equal(eligibility, problem.Extensions["eligibility"]!.ToString());
    }

    public void Dispose() => _client.Dispose();
}
