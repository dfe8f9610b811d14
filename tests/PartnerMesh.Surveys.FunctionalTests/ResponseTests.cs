using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Contracts;
using PartnerMesh.Contracts.Surveys;
using PartnerMesh.Outbox;
using PartnerMesh.ServiceDefaults.WebApi;
using PartnerMesh.Surveys.Api.Responses;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Surveys.FunctionalTests;

public sealed class ResponseTests(SurveysApiFactory factory) : IClassFixture<SurveysApiFactory>, IDisposable
{
    private static readonly string SubmittedUrn = IntegrationEventTypes.UrnOf(typeof(SurveyResponseSubmitted));

    private readonly SurveysClient _client = new(factory);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Response_IsStoredWithItsContext_AndPublishedOnce_HtmlStaysData()
    {
        var partner = Guid.NewGuid();
        var survey = await _client.CreateSurveyAsync(DecisionTests.Targeted(partner));
        var (visitor, impression) = await _client.ShowAsync(survey["id"]!.GetValue<Guid>(), partner);
        const string script = "<script>alert('x')</script><b>great</b> & \"fast\"";

        var response = await _client.SubmitAsync(impression, visitor, SurveysClient.Nps(10, 4, script));

        var created = await response.ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("<script>", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(script, created["answers"]!.AsArray().Single(answer => answer!["questionId"]!.GetValue<string>() == "why")!["text"]!.GetValue<string>());
        Assert.Equal(partner, created["partnerId"]!.GetValue<Guid>());
        Assert.Equal("order", created["touchpoint"]!.GetValue<string>());
        Assert.Equal(10, created["npsScore"]!.GetValue<int>());
        var published = await SubmittedEventsAsync(created["id"]!.GetValue<Guid>());
        var payload = JsonNode.Parse(Assert.Single(published))!;
        Assert.Equal(10, payload["npsScore"]!.GetValue<int>());
        Assert.Equal(4, payload["csatScore"]!.GetValue<int>());
        Assert.Equal(impression, payload["impressionId"]!.GetValue<Guid>());
        Assert.DoesNotContain("script", payload.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExitIntentReasons_AreReasonCodes_OtherKeepsItsText()
    {
        var partner = Guid.NewGuid();
        var survey = await _client.CreateSurveyAsync(new JsonObject { ["name"] = "Why leave?", ["kind"] = "exit-intent", ["partnerIds"] = new JsonArray(partner) });
        var (visitor, impression) = await _client.ShowAsync(survey["id"]!.GetValue<Guid>(), partner, "checkout", "exit-intent");

        var response = await _client.SubmitAsync(impression, visitor, new JsonArray(new JsonObject
        {
            ["questionId"] = "reason", ["choices"] = new JsonArray("extra-costs", "other"), ["otherText"] = "shipping to Norway",
        }));

        var created = await response.ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        Assert.Equal(["extra-costs", "other"], created["reasonCodes"]!.AsArray().Select(code => code!.GetValue<string>()));
    }

    [Fact]
    public async Task OnlyTheReasonQuestion_GivesReasonCodes_InTheResponseItsEventAndInsights()
    {
        static JsonObject Choice(string id, string type, params string[] codes) => new()
        {
            ["id"] = id, ["type"] = type, ["text"] = id,
            ["options"] = new JsonArray([.. codes.Select(code => (JsonNode)new JsonObject { ["code"] = code, ["label"] = code })]),
        };

        var partner = Guid.NewGuid();
        var reason = Choice("reason", "multiple-choice", "extra-costs", "better-price");
        reason["allowOther"] = true;
        var id = (await _client.CreateSurveyAsync(new JsonObject
        {
            ["name"] = "Why leave?", ["kind"] = "exit-intent", ["partnerIds"] = new JsonArray(partner),
            ["questions"] = new JsonArray(Choice("size", "single-choice", "small", "large"), reason,
                Choice("coupon", "single-choice", "yes", "no"), Choice("account", "single-choice", "yes", "no")),
        }))["id"]!.GetValue<Guid>();
        var (visitor, impression) = await _client.ShowAsync(id, partner, "checkout", "exit-intent");
        var (other, otherImpression) = await _client.ShowAsync(id, partner, "checkout", "exit-intent");

        var first = await (await _client.SubmitAsync(impression, visitor, new JsonArray(
            new JsonObject { ["questionId"] = "size", ["choice"] = "small" },
            new JsonObject { ["questionId"] = "reason", ["choices"] = new JsonArray("extra-costs", "other"), ["otherText"] = "fees" },
            new JsonObject { ["questionId"] = "coupon", ["choice"] = "yes" },
            new JsonObject { ["questionId"] = "account", ["choice"] = "no" }))).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var second = await (await _client.SubmitAsync(otherImpression, other, new JsonArray(
            new JsonObject { ["questionId"] = "size", ["choice"] = "large" },
            new JsonObject { ["questionId"] = "coupon", ["choice"] = "no" },
            new JsonObject { ["questionId"] = "account", ["choice"] = "yes" }))).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var insights = await (await _client.Admin.GetAsync($"/api/surveys/insights?surveyId={id}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        Assert.Equal(["extra-costs", "other"], first["reasonCodes"]!.AsArray().Select(code => code!.GetValue<string>()));
        Assert.Empty(second["reasonCodes"]!.AsArray());
        var published = JsonNode.Parse(Assert.Single(await SubmittedEventsAsync(first["id"]!.GetValue<Guid>())))!;
        Assert.Equal(["extra-costs", "other"], published["reasonCodes"]!.AsArray().Select(code => code!.GetValue<string>()));
        Assert.Equal(
            [("extra-costs", 1, 1.0), ("other", 1, 1.0)],
            insights["summary"]!["reasons"]!.AsArray().Select(row => (row!["code"]!.GetValue<string>(), row["count"]!.GetValue<int>(), row["share"]!.GetValue<double>())));
    }

    [Theory]
    [InlineData("""[{"questionId":"nps","score":11}]""")]
    [InlineData("""[{"questionId":"nps","score":-1}]""")]
    [InlineData("""[{"questionId":"nps","score":"9"}]""")]
    [InlineData("""[{"questionId":"nps","score":7.5}]""")]
    [InlineData("""[{"questionId":"nps","text":"nine"}]""")]
    [InlineData("""[{"questionId":"nope","score":9}]""")]
    [InlineData("""[{"questionId":"csat","score":0}]""")]
    [InlineData("""[{"questionId":"nps","score":9},{"questionId":"csat","score":6}]""")]
    [InlineData("""[{"questionId":"nps","score":9},{"questionId":"nps","score":8}]""")]
    [InlineData("""[{"questionId":"nps","score":9},{"questionId":"why","score":3}]""")]
    [InlineData("""[]""")]
    [InlineData("""[{"questionId":"nps","score":9},{"questionId":"why","text":"nul \u0000 byte"}]""")]
    public async Task InvalidAnswers_Return400_AndWriteNothing(string answers)
    {
        var partner = Guid.NewGuid();
        var survey = await _client.CreateSurveyAsync(DecisionTests.Targeted(partner));
        var (visitor, impression) = await _client.ShowAsync(survey["id"]!.GetValue<Guid>(), partner);
        var json = $$"""{"impressionId":"{{impression}}","visitorId":"{{visitor}}","answers":{{answers}}}""";

        var response = await _client.Storefront.PostAsync("/api/surveys/responses", new StringContent(json, Encoding.UTF8, "application/json"), Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(0, await factory.QueryDbAsync(db => db.Responses.CountAsync(row => row.ImpressionId == impression, Ct)));
        var valid = await _client.SubmitAsync(impression, visitor, SurveysClient.Nps(9));
        await valid.ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
    }

    [Fact]
    public async Task HugeFreeText_Returns413_LongFreeText400()
    {
        var partner = Guid.NewGuid();
        var survey = await _client.CreateSurveyAsync(DecisionTests.Targeted(partner));
        var (visitor, impression) = await _client.ShowAsync(survey["id"]!.GetValue<Guid>(), partner);

        var huge = await _client.SubmitAsync(impression, visitor, SurveysClient.Nps(9, text: new string('x', 100 * 1024)));
        var long_ = await _client.SubmitAsync(impression, visitor, SurveysClient.Nps(9, text: new string('x', 2_001)));

        await huge.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        await long_.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(0, await factory.QueryDbAsync(db => db.Responses.CountAsync(row => row.ImpressionId == impression, Ct)));
    }

    /// <summary>
    /// "Up to 2,000 characters" counts what a shopper sees as characters (text elements), not UTF-16 code units: 2,000
    /// emoji fit, in a free text and in an "other" text; a byte guard still refuses a few characters stacked with marks.
    /// </summary>
    [Fact]
    public async Task FreeText_CountsCharactersNotUtf16Units_WithAByteGuard()
    {
        var partner = Guid.NewGuid();
        var id = (await _client.CreateSurveyAsync(new JsonObject
        {
            ["name"] = "Why leave?", ["kind"] = "exit-intent", ["partnerIds"] = new JsonArray(partner),
            ["questions"] = new JsonArray(
                new JsonObject
                {
                    ["id"] = "reason", ["type"] = "multiple-choice", ["text"] = "Why?", ["allowOther"] = true,
                    ["options"] = new JsonArray(new JsonObject { ["code"] = "extra-costs", ["label"] = "Costs" }),
                },
                new JsonObject { ["id"] = "why", ["type"] = "free-text", ["text"] = "Tell us more" }),
        }))["id"]!.GetValue<Guid>();
        var emoji = string.Concat(Enumerable.Repeat("\U0001F600", 2_000));
        var thumbs = string.Concat(Enumerable.Repeat("\U0001F44D\U0001F3FD", 2_000));
        var stacked = string.Concat(Enumerable.Repeat("e" + new string('\u0301', 15), 1_000));

        async Task<HttpResponseMessage> AnswerAsync(string text, string other)
        {
            var (visitor, impression) = await _client.ShowAsync(id, partner, "checkout", "exit-intent");
            var body = new JsonObject
            {
                ["impressionId"] = impression, ["visitorId"] = visitor, ["answers"] = new JsonArray(
                    new JsonObject { ["questionId"] = "reason", ["choices"] = new JsonArray("other"), ["otherText"] = "@other@" },
                    new JsonObject { ["questionId"] = "why", ["text"] = "@text@" }),
            };
            // The texts go in as UTF-8, not \u-escaped (a serializer escapes every emoji as 12 bytes): their own bytes count
            // against the 64 KB body limit. None of them holds a character JSON must escape.
            var json = body.ToJsonString().Replace("@other@", other, StringComparison.Ordinal).Replace("@text@", text, StringComparison.Ordinal);
            return await _client.Storefront.PostAsync("/api/surveys/responses", new StringContent(json, Encoding.UTF8, "application/json"), Ct);
        }

        var created = await (await AnswerAsync(emoji, thumbs)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var tooLong = await (await AnswerAsync(emoji + "\U0001F600", "fine")).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        var otherTooLong = await (await AnswerAsync("fine", thumbs + "x")).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        var tooBig = await (await AnswerAsync(stacked, "fine")).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(emoji, created["answers"]!.AsArray().Single(answer => answer!["questionId"]!.GetValue<string>() == "why")!["text"]!.GetValue<string>());
        Assert.Contains("answers[1].text", tooLong.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
        Assert.Contains("answers[0].otherText", otherTooLong.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
        Assert.Contains("answers[1].text", tooBig.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
        Assert.Single(await ResponsesToAsync(id));
    }

    /// <summary>
    /// One key, two bodies, one showing, in parallel: the body that lost is told the key was reused — every time, not
    /// "already submitted" when it happened to look after the winner committed.
    /// </summary>
    [Fact]
    public async Task SubmitResponse_SameKeyTwoBodiesInParallel_TheOtherBodyIsAlways409IdempotencyKeyReused()
    {
        var partner = Guid.NewGuid();
        var surveyId = (await _client.CreateSurveyAsync(DecisionTests.Targeted(partner)))["id"]!.GetValue<Guid>();
        for (var round = 0; round < 5; round++)
        {
            var (visitor, impression) = await _client.ShowAsync(surveyId, partner);
            var key = Guid.NewGuid().ToString();
            var bodies = Enumerable.Range(0, 20).Select(index => index % 2 == 0 ? 3 : 10).ToArray();

            var responses = await Task.WhenAll(bodies.Select(score => _client.SubmitAsync(impression, visitor, SurveysClient.Nps(score), key)));

            var winner = Assert.Single(responses, response => response.StatusCode == HttpStatusCode.Created);
            var winningScore = bodies[Array.IndexOf(responses, winner)];
            var stored = (await winner.ShouldBeAsync<JsonObject>(HttpStatusCode.Created))["id"]!.GetValue<Guid>();
            for (var index = 0; index < responses.Length; index++)
            {
                if (responses[index] == winner)
                {
                    continue;
                }

                if (bodies[index] == winningScore)
                {
                    Assert.Equal(stored, (await responses[index].ShouldBeAsync<JsonObject>(HttpStatusCode.OK))["id"]!.GetValue<Guid>());
                }
                else
                {
                    var problem = await responses[index].ShouldBeProblemAsync(HttpStatusCode.Conflict);
                    Assert.Equal("idempotency-key-reused", problem.Extensions["reason"]!.ToString());
                }
            }
        }

        Assert.Equal(5, (await ResponsesToAsync(surveyId)).Count);
    }

    [Fact]
    public async Task ReplayedSubmission_Is409_WithTheSameIdempotencyKeyReturnsTheFirst_PublishedOnce()
    {
        var partner = Guid.NewGuid();
        var survey = await _client.CreateSurveyAsync(DecisionTests.Targeted(partner));
        var (visitor, impression) = await _client.ShowAsync(survey["id"]!.GetValue<Guid>(), partner);
        var key = Guid.NewGuid().ToString();

        var first = await _client.SubmitAsync(impression, visitor, SurveysClient.Nps(3), key);
        var retried = await _client.SubmitAsync(impression, visitor, SurveysClient.Nps(3), key);
        var replayed = await _client.SubmitAsync(impression, visitor, SurveysClient.Nps(3));
        var changed = await _client.SubmitAsync(impression, visitor, SurveysClient.Nps(10), key);

        var created = await first.ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var again = await retried.ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal(created["id"]!.GetValue<Guid>(), again["id"]!.GetValue<Guid>());
        await replayed.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        await changed.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Single(await SubmittedEventsAsync(created["id"]!.GetValue<Guid>()));
        Assert.Equal(1, await factory.QueryDbAsync(db => db.Responses.CountAsync(row => row.ImpressionId == impression, Ct)));
    }

    [Fact]
    public async Task SubmitResponse_SameIdempotencyKeyForAnotherShowing_Returns409_AndStoresNothing()
    {
        var partner = Guid.NewGuid();
        var surveyId = (await _client.CreateSurveyAsync(DecisionTests.Targeted(partner)))["id"]!.GetValue<Guid>();
        var (visitor, impression) = await _client.ShowAsync(surveyId, partner);
        var (otherVisitor, otherImpression) = await _client.ShowAsync(surveyId, partner);
        var key = Guid.NewGuid().ToString();
        var first = await (await _client.SubmitAsync(impression, visitor, SurveysClient.Nps(9), key)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        var response = await _client.SubmitAsync(otherImpression, otherVisitor, SurveysClient.Nps(9), key);

        Assert.Equal("idempotency-key-reused", (await response.ShouldBeProblemAsync(HttpStatusCode.Conflict)).Extensions["reason"]!.ToString());
        Assert.Equal([first["id"]!.GetValue<Guid>()], await ResponsesToAsync(surveyId));
    }

    [Fact]
    public async Task SubmitResponse_OverLongIdempotencyKey_Returns400_AndStoresNothing()
    {
        var partner = Guid.NewGuid();
        var surveyId = (await _client.CreateSurveyAsync(DecisionTests.Targeted(partner)))["id"]!.GetValue<Guid>();
        var (visitor, impression) = await _client.ShowAsync(surveyId, partner);

        var response = await _client.SubmitAsync(impression, visitor, SurveysClient.Nps(9), new string('k', IdempotencyKeys.MaxLength + 1));

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Empty(await ResponsesToAsync(surveyId));
    }

    private Task<List<Guid>> ResponsesToAsync(Guid surveyId) =>
        factory.QueryDbAsync(db => db.Responses.AsNoTracking().Where(row => row.SurveyId == surveyId).Select(row => row.Id).ToListAsync(Ct));

    [Fact]
    public async Task ConcurrentSubmissions_OneWins()
    {
        var partner = Guid.NewGuid();
        var survey = await _client.CreateSurveyAsync(DecisionTests.Targeted(partner));
        var (visitor, impression) = await _client.ShowAsync(survey["id"]!.GetValue<Guid>(), partner);

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => _client.SubmitAsync(impression, visitor, SurveysClient.Nps(8))));

        Assert.Single(responses, response => response.StatusCode == HttpStatusCode.Created);
        Assert.All(responses.Where(response => response.StatusCode != HttpStatusCode.Created), response => Assert.Equal(HttpStatusCode.Conflict, response.StatusCode));
    }

    [Fact]
    public async Task UnknownShowing_404_OtherVisitor_422()
    {
        var partner = Guid.NewGuid();
        var survey = await _client.CreateSurveyAsync(DecisionTests.Targeted(partner));
        var (_, impression) = await _client.ShowAsync(survey["id"]!.GetValue<Guid>(), partner);

        await (await _client.SubmitAsync(Guid.NewGuid(), "v", SurveysClient.Nps(9))).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await _client.SubmitAsync(impression, "someone-else", SurveysClient.Nps(9))).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        var unknownSurvey = await _client.Storefront.PostAsJsonAsync("/api/surveys/responses",
            new JsonObject { ["surveyId"] = Guid.NewGuid(), ["visitorId"] = "v", ["touchpoint"] = "order", ["answers"] = SurveysClient.Nps(9) }, Ct);
        await unknownSurvey.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AnswersStayTiedToTheVersionShown()
    {
        var partner = Guid.NewGuid();
        var survey = await _client.CreateSurveyAsync(DecisionTests.Targeted(partner));
        var id = survey["id"]!.GetValue<Guid>();
        var (visitor, impression) = await _client.ShowAsync(id, partner);
        var v2 = DecisionTests.Targeted(partner);
        v2["questions"] = new JsonArray(
            new JsonObject { ["id"] = "score", ["type"] = "nps", ["text"] = "Would you recommend us?" },
            new JsonObject { ["id"] = "effort", ["type"] = "csat", ["text"] = "How easy?", ["required"] = true });
        await (await _client.Admin.PutAsJsonAsync($"/api/surveys/surveys/{id}", v2, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        var response = await _client.SubmitAsync(impression, visitor, SurveysClient.Nps(6));

        var created = await response.ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        Assert.Equal(1, created["surveyVersion"]!.GetValue<int>());
    }

    [Fact]
    public async Task DirectResponse_WithoutShowing_OncePerVisitor()
    {
        var survey = await _client.CreateSurveyAsync(new JsonObject
        {
            ["name"] = "Feedback widget", ["kind"] = "custom", ["trigger"] = "event", ["eventName"] = "feedback-clicked",
            ["questions"] = new JsonArray(new JsonObject { ["id"] = "csat", ["type"] = "csat", ["text"] = "How was it?", ["required"] = true }),
        });
        var body = new JsonObject
        {
            ["surveyId"] = survey["id"]!.GetValue<Guid>(), ["visitorId"] = SurveysClient.NewVisitor(), ["touchpoint"] = "product",
            ["campaignId"] = "spring", ["answers"] = new JsonArray(new JsonObject { ["questionId"] = "csat", ["score"] = 5 }),
        };

        var first = await _client.Storefront.PostAsJsonAsync("/api/surveys/responses", body, Ct);
        var second = await _client.Storefront.PostAsJsonAsync("/api/surveys/responses", body, Ct);

        Assert.Equal("spring", (await first.ShouldBeAsync<JsonObject>(HttpStatusCode.Created))["campaignId"]!.GetValue<string>());
        await second.ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("paused", "paused")]
    [InlineData("ended", "outside-schedule")]
    [InlineData("not-yet-started", "outside-schedule")]
    [InlineData("other-partner", "partner")]
    [InlineData("no-partner", "partner")]
    [InlineData("other-touchpoint", "touchpoint")]
    [InlineData("other-segment", "segment")]
    public async Task DirectResponse_TheSurveyDoesNotTarget_Returns422NotEligible_AndCountsNothing(string context, string eligibility)
    {
        var partner = Guid.NewGuid();
        var definition = SurveysClient.Widget(partner);
        definition["touchpoints"] = new JsonArray("product", "cart");
        definition["segments"] = new JsonArray("vip");
        var now = factory.Clock.GetUtcNow();
        if (context == "ended")
        {
            (definition["startsAt"], definition["endsAt"]) = (now.AddDays(-10), now.AddDays(-1));
        }
        else if (context == "not-yet-started")
        {
            definition["startsAt"] = now.AddDays(1);
        }
        var id = (await _client.CreateSurveyAsync(definition))["id"]!.GetValue<Guid>();
        if (context == "paused")
        {
            await (await _client.Admin.PostAsync($"/api/surveys/surveys/{id}/pause", null, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        }

        var body = DirectResponse(id, partner, "cart", "vip");
        if (context == "no-partner")
        {
            body.Remove("partnerId");
        }
        else if (context is "other-partner" or "other-touchpoint" or "other-segment")
        {
            var (field, value) = context switch
            {
                "other-partner" => ("partnerId", (JsonNode)Guid.NewGuid()),
                "other-touchpoint" => ("touchpoint", (JsonNode)"order"),
                _ => ("segments", new JsonArray("other")),
            };
            body[field] = value;
        }

        var response = await _client.Storefront.PostAsJsonAsync("/api/surveys/responses", body, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(("not-eligible", eligibility), (problem.Extensions["reason"]!.ToString(), problem.Extensions["eligibility"]!.ToString()));
        Assert.Empty(await ResponsesToAsync(id));
        var insights = await (await _client.Admin.GetAsync($"/api/surveys/insights?surveyId={id}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal(0, insights["summary"]!["responses"]!.GetValue<int>());
    }

    [Fact]
    public async Task DirectResponse_TheTriggerAndTheSampleAreTheStorefrontsCall_AFittingContextIsStored()
    {
        var partner = Guid.NewGuid();
        var definition = DecisionTests.Targeted(partner); // post-purchase, not an event-triggered widget
        definition["samplingPercent"] = 0;
        var id = (await _client.CreateSurveyAsync(definition))["id"]!.GetValue<Guid>();

        var response = await _client.Storefront.PostAsJsonAsync("/api/surveys/responses", DirectResponse(id, partner, "order"), Ct);

        var created = await response.ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        Assert.Equal([created["id"]!.GetValue<Guid>()], await ResponsesToAsync(id));
    }

    [Fact]
    public async Task DirectResponse_ToALiveWidgetSurveyThatFitsItsContext_IsStoredWithThatContext()
    {
        var partner = Guid.NewGuid();
        var definition = SurveysClient.Widget(partner);
        definition["segments"] = new JsonArray("vip");
        var id = (await _client.CreateSurveyAsync(definition))["id"]!.GetValue<Guid>();

        var response = await _client.Storefront.PostAsJsonAsync("/api/surveys/responses", DirectResponse(id, partner, "order", "new", "vip"), Ct);

        var created = await response.ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        Assert.Equal((partner, "order"), (created["partnerId"]!.GetValue<Guid>(), created["touchpoint"]!.GetValue<string>()));
    }

    private static JsonObject DirectResponse(Guid surveyId, Guid partner, string touchpoint, params string[] segments) => new()
    {
        ["surveyId"] = surveyId, ["visitorId"] = SurveysClient.NewVisitor(), ["partnerId"] = partner, ["touchpoint"] = touchpoint,
        ["segments"] = new JsonArray([.. segments.Select(segment => (JsonNode)segment)]), ["answers"] = SurveysClient.Nps(9),
    };

    private async Task<List<string>> SubmittedEventsAsync(Guid responseId)
    {
        var payloads = await factory.QueryDbAsync(db => db.Set<OutboxMessage>().Where(message => message.MessageUrn == SubmittedUrn)
            .Select(message => message.Payload).ToListAsync(Ct));
        return [.. payloads.Where(payload => JsonDocument.Parse(payload).RootElement.GetProperty("responseId").GetGuid() == responseId)];
    }

    public void Dispose() => _client.Dispose();
}
