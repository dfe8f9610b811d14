using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Surveys.FunctionalTests;

/// <summary>
/// What decisions, responses and email links take in, one rule for all three: the shopper's e-mail (folded by the
/// shared rule, at most 254 characters; one that folds to nothing is no e-mail), the traffic's partner (never the nil
/// id), the order id (1 to 120 characters) and the visitor id (trimmed).
/// </summary>
public sealed class IntakeRulesTests(SurveysApiFactory factory) : IClassFixture<SurveysApiFactory>, IDisposable
{
    private const string NilPartner = "00000000-0000-0000-0000-000000000000";

    private readonly SurveysClient _client = new(factory);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("\u200b")]
    [InlineData("\u00ad")]
    [InlineData("\ufeff")]
    [InlineData("\u2060")]
    [InlineData(" ")]
    public async Task EmailOfOnlyInvisibleCharacters_IsNoEmail_NotOneShopperSharedByEveryoneWhoSendsIt(string invisible)
    {
        var partner = Guid.NewGuid();
        await _client.CreateSurveyAsync(DecisionTests.Targeted(partner));
        await _client.CreateSurveyAsync(new JsonObject { ["name"] = "Why leave?", ["kind"] = "exit-intent", ["partnerIds"] = new JsonArray(partner) });

        var first = await _client.DecideAsync(ShopperIdentityTests.As(SurveysClient.Decision(SurveysClient.NewVisitor(), partnerId: partner), "email", invisible));
        factory.Clock.Advance(TimeSpan.FromMinutes(10));
        var other = await _client.DecideAsync(ShopperIdentityTests.As(
            SurveysClient.Decision(SurveysClient.NewVisitor(), "cart", "exit-intent", partner), "email", invisible + "\u200b" + invisible));

        Assert.True(first["show"]!.GetValue<bool>(), first.ToJsonString());
        Assert.True(other["show"]!.GetValue<bool>(), other.ToJsonString());
    }

    [Theory]
    [InlineData("@")]
    [InlineData("\u200b@\u200b")]
    [InlineData("no-at-sign")]
    [InlineData("shopper@")]
    [InlineData("long")]
    public async Task DecisionWithAnEmailThatIsNoAddressOnceFolded_Returns400NamingEmail(string email)
    {
        var request = ShopperIdentityTests.As(SurveysClient.Decision(SurveysClient.NewVisitor()), "email", email == "long" ? LongEmail(255) : email);

        var response = await _client.Storefront.PostAsJsonAsync("/api/surveys/decisions", request, Ct);

        AssertNames(await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest), "email");
    }

    [Theory]
    [InlineData("\u200b@\u200b")]
    [InlineData("\u00ad@\ufeff")]
    public async Task EmailLinkWithAnEmailThatIsNoAddressOnceFolded_Returns400NamingEmail(string email)
    {
        var surveyId = await EmailSurveyAsync();

        var response = await IssueAsync(surveyId, new JsonObject { ["orderId"] = NewOrder(), ["email"] = email });

        AssertNames(await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest), "email");
    }

    [Fact]
    public async Task AnAddressOf254CharactersOnceFolded_IsTakenByDecisionsAndEmailLinksAlike()
    {
        var partner = Guid.NewGuid();
        // Two shoppers (one would be refused the link by the shared recontact cooldown after the decision).
        var padded = (string email) => " \u200b" + email.Replace("@", "\u200b@", StringComparison.Ordinal) + "\ufeff ";
        var surveyId = await EmailSurveyAsync();
        await _client.CreateSurveyAsync(DecisionTests.Targeted(partner));

        var decision = await _client.DecideAsync(ShopperIdentityTests.As(SurveysClient.Decision(SurveysClient.NewVisitor(), partnerId: partner), "email", padded(LongEmail(254))));
        var link = await IssueAsync(surveyId, new JsonObject { ["orderId"] = NewOrder(), ["email"] = padded(LongEmail(254)) });

        Assert.True(decision["show"]!.GetValue<bool>(), decision.ToJsonString());
        await link.ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
    }

    [Fact]
    public async Task NilPartnerId_IsRefused400NamingPartnerId_OnDecisionsResponsesAndEmailLinks()
    {
        var widget = SurveysClient.NpsSurvey(trigger: "event", touchpoints: new JsonArray("order"), frequency: "cooldown");
        widget["eventName"] = "nil-partner";
        widget["frequency"]!["cooldownHours"] = 1;
        var widgetId = (await _client.CreateSurveyAsync(widget))["id"]!.GetValue<Guid>();
        var emailSurveyId = await EmailSurveyAsync();
        var decision = SurveysClient.Decision(SurveysClient.NewVisitor());
        decision["partnerId"] = NilPartner;

        var decided = await _client.Storefront.PostAsJsonAsync("/api/surveys/decisions", decision, Ct);
        var responded = await _client.Storefront.PostAsJsonAsync("/api/surveys/responses", new JsonObject
        {
            ["surveyId"] = widgetId, ["visitorId"] = SurveysClient.NewVisitor(), ["touchpoint"] = "order", ["partnerId"] = NilPartner, ["answers"] = SurveysClient.Nps(9),
        }, Ct);
        var linked = await IssueAsync(emailSurveyId, new JsonObject { ["orderId"] = NewOrder(), ["partnerId"] = NilPartner });

        AssertNames(await decided.ShouldBeProblemAsync(HttpStatusCode.BadRequest), "partnerId");
        AssertNames(await responded.ShouldBeProblemAsync(HttpStatusCode.BadRequest), "partnerId");
        AssertNames(await linked.ShouldBeProblemAsync(HttpStatusCode.BadRequest), "partnerId");
        Assert.Equal(0, await factory.QueryDbAsync(db => db.Responses.CountAsync(row => row.PartnerId == Guid.Empty, Ct)));
        Assert.Equal(0, await factory.QueryDbAsync(db => db.Impressions.CountAsync(row => row.PartnerId == Guid.Empty, Ct)));
    }

    [Fact]
    public async Task OrderIds_AreOneTo120Characters_OnDecisionsResponsesAndEmailLinks()
    {
        var partner = Guid.NewGuid();
        var widget = SurveysClient.Widget(partner);
        widget["eventName"] = $"order-ids-{partner:N}";
        widget["frequency"] = new JsonObject { ["mode"] = "cooldown", ["cooldownHours"] = 1 };
        var widgetId = (await _client.CreateSurveyAsync(widget))["id"]!.GetValue<Guid>();
        var emailSurveyId = await EmailSurveyAsync();

        foreach (var (length, expected) in new[] { (120, true), (121, false) })
        {
            var orderId = new string('o', length - 32) + Guid.NewGuid().ToString("N");
            var decision = SurveysClient.Decision(SurveysClient.NewVisitor());
            decision["orderId"] = orderId;
            var decided = await _client.Storefront.PostAsJsonAsync("/api/surveys/decisions", decision, Ct);
            var responded = await _client.Storefront.PostAsJsonAsync("/api/surveys/responses", new JsonObject
            {
                ["surveyId"] = widgetId, ["visitorId"] = SurveysClient.NewVisitor(), ["touchpoint"] = "order", ["partnerId"] = partner,
                ["orderId"] = orderId, ["answers"] = SurveysClient.Nps(9),
            }, Ct);
            var linked = await IssueAsync(emailSurveyId, new JsonObject { ["orderId"] = orderId });

            if (expected)
            {
                await decided.ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
                await responded.ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
                await linked.ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
            }
            else
            {
                AssertNames(await decided.ShouldBeProblemAsync(HttpStatusCode.BadRequest), "orderId");
                AssertNames(await responded.ShouldBeProblemAsync(HttpStatusCode.BadRequest), "orderId");
                AssertNames(await linked.ShouldBeProblemAsync(HttpStatusCode.BadRequest), "orderId");
            }
        }
    }

    [Fact]
    public async Task MultipleChoiceAnswer_WithBothChoiceAndChoices_Returns400_AndStoresNothing()
    {
        var partner = Guid.NewGuid();
        var surveyId = (await _client.CreateSurveyAsync(new JsonObject { ["name"] = "Why leave?", ["kind"] = "exit-intent", ["partnerIds"] = new JsonArray(partner) }))["id"]!.GetValue<Guid>();

        var response = await _client.Storefront.PostAsJsonAsync("/api/surveys/responses", new JsonObject
        {
            ["surveyId"] = surveyId, ["visitorId"] = SurveysClient.NewVisitor(), ["touchpoint"] = "cart", ["partnerId"] = partner,
            ["answers"] = new JsonArray(new JsonObject { ["questionId"] = "reason", ["choice"] = "just-browsing", ["choices"] = new JsonArray("better-price") }),
        }, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("answers[0]", problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, await factory.QueryDbAsync(db => db.Responses.CountAsync(row => row.SurveyId == surveyId, Ct)));
    }

    [Fact]
    public async Task PaddedVisitorIds_AreOneVisitor_ForTheOneResponseRule()
    {
        var partner = Guid.NewGuid();
        var widget = SurveysClient.Widget(partner);
        widget["eventName"] = $"padded-{partner:N}";
        var surveyId = (await _client.CreateSurveyAsync(widget))["id"]!.GetValue<Guid>();
        var visitor = SurveysClient.NewVisitor();

        var responses = new List<HttpResponseMessage>();
        foreach (var (padded, score) in new[] { (visitor, 10), ($" {visitor} ", 0), ($"{visitor}\t", 1) })
        {
            responses.Add(await _client.Storefront.PostAsJsonAsync("/api/surveys/responses", new JsonObject
            {
                ["surveyId"] = surveyId, ["visitorId"] = padded, ["touchpoint"] = "order", ["partnerId"] = partner, ["answers"] = SurveysClient.Nps(score),
            }, Ct));
        }

        await responses[0].ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        Assert.Equal("already-submitted", (await responses[1].ShouldBeProblemAsync(HttpStatusCode.Conflict)).Extensions["reason"]!.ToString());
        Assert.Equal("already-submitted", (await responses[2].ShouldBeProblemAsync(HttpStatusCode.Conflict)).Extensions["reason"]!.ToString());
        Assert.Equal([visitor], await factory.QueryDbAsync(db => db.Responses.Where(row => row.SurveyId == surveyId).Select(row => row.VisitorId).ToListAsync(Ct)));
    }

    [Fact]
    public async Task PaddedVisitorIds_AreTrimmedOnDecisionsAndEmailLinks()
    {
        var partner = Guid.NewGuid();
        var surveyId = (await _client.CreateSurveyAsync(DecisionTests.Targeted(partner)))["id"]!.GetValue<Guid>();
        var emailSurveyId = await EmailSurveyAsync();
        var visitor = SurveysClient.NewVisitor();
        var linkVisitor = SurveysClient.NewVisitor();

        var shown = await _client.DecideAsync(SurveysClient.Decision($"  {visitor}\t", partnerId: partner));
        var answered = await _client.SubmitAsync(shown["impressionId"]!.GetValue<Guid>(), visitor, SurveysClient.Nps(9));
        var linked = await IssueAsync(emailSurveyId, new JsonObject { ["orderId"] = NewOrder(), ["visitorId"] = $" {linkVisitor} " });
        var blank = await IssueAsync(emailSurveyId, new JsonObject { ["orderId"] = NewOrder(), ["visitorId"] = " \t" });

        Assert.Equal(surveyId, shown["survey"]!["id"]!.GetValue<Guid>());
        Assert.Equal(visitor, (await answered.ShouldBeAsync<JsonObject>(HttpStatusCode.Created))["visitorId"]!.GetValue<string>());
        var impressionId = (await linked.ShouldBeAsync<JsonObject>(HttpStatusCode.Created))["impressionId"]!.GetValue<Guid>();
        Assert.Equal(linkVisitor, await factory.QueryDbAsync(db => db.Impressions.Where(row => row.Id == impressionId).Select(row => row.VisitorId).SingleAsync(Ct)));
        AssertNames(await blank.ShouldBeProblemAsync(HttpStatusCode.BadRequest), "visitorId");
    }

    [Theory]
    [InlineData(" {0} ")]
    [InlineData("\t{0}")]
    [InlineData("{0}\u3000")]
    public async Task IdsOf128CharactersWithWhiteSpaceAround_AreTakenTrimmed_OnDecisionsResponsesAndEmailLinks(string padding)
    {
        var partner = Guid.NewGuid();
        var surveyId = (await _client.CreateSurveyAsync(DecisionTests.Targeted(partner)))["id"]!.GetValue<Guid>();
        var widget = SurveysClient.Widget(partner);
        var widgetId = (await _client.CreateSurveyAsync(widget))["id"]!.GetValue<Guid>();
        var emailSurveyId = await EmailSurveyAsync();
        string Id(char kind) => kind + Guid.NewGuid().ToString("N") + new string('x', Targeting128 - 33);
        var (visitor, customer, responder, responderCustomer, linkVisitor, linkCustomer) = (Id('v'), Id('c'), Id('v'), Id('c'), Id('v'), Id('c'));
        string Pad(string id) => string.Format(System.Globalization.CultureInfo.InvariantCulture, padding, id);

        var decision = SurveysClient.Decision(Pad(visitor), partnerId: partner);
        decision["customerId"] = Pad(customer);
        var shown = await _client.DecideAsync(decision);
        var answered = await _client.Storefront.PostAsJsonAsync("/api/surveys/responses", new JsonObject
        {
            ["surveyId"] = widgetId, ["visitorId"] = Pad(responder), ["customerId"] = Pad(responderCustomer), ["touchpoint"] = "order",
            ["partnerId"] = partner, ["answers"] = SurveysClient.Nps(9),
        }, Ct);
        var linked = await IssueAsync(emailSurveyId, new JsonObject { ["orderId"] = NewOrder(), ["visitorId"] = Pad(linkVisitor), ["customerId"] = Pad(linkCustomer) });
        var tooLong = await IssueAsync(emailSurveyId, new JsonObject { ["orderId"] = NewOrder(), ["visitorId"] = Pad(linkVisitor + "x"), ["customerId"] = Pad(linkCustomer + "x") });

        Assert.Equal(surveyId, shown["survey"]!["id"]!.GetValue<Guid>());
        var impressionId = shown["impressionId"]!.GetValue<Guid>();
        Assert.Equal([visitor, customer], await factory.QueryDbAsync(db => db.Impressions.Where(row => row.Id == impressionId)
            .Select(row => new[] { row.VisitorId, row.CustomerId! }).SingleAsync(Ct)));
        var response = await answered.ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        Assert.Equal(responder, response["visitorId"]!.GetValue<string>());
        Assert.Equal(responderCustomer, response["customerId"]!.GetValue<string>());
        var linkImpression = (await linked.ShouldBeAsync<JsonObject>(HttpStatusCode.Created))["impressionId"]!.GetValue<Guid>();
        Assert.Equal([linkVisitor, linkCustomer], await factory.QueryDbAsync(db => db.Impressions.Where(row => row.Id == linkImpression)
            .Select(row => new[] { row.VisitorId, row.CustomerId! }).SingleAsync(Ct)));
        var problem = await tooLong.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        AssertNames(problem, "visitorId");
        AssertNames(problem, "customerId");
    }

    [Fact]
    public async Task MoreChoicesThanMaxSelectionsOfOne_Returns400_InTheSingular()
    {
        var partner = Guid.NewGuid();
        var widget = SurveysClient.Widget(partner);
        widget["questions"]!.AsArray().Add(new JsonObject
        {
            ["id"] = "reason", ["type"] = "multiple-choice", ["text"] = "Why?", ["maxSelections"] = 1,
            ["options"] = new JsonArray(new JsonObject { ["code"] = "a", ["label"] = "A" }, new JsonObject { ["code"] = "b", ["label"] = "B" }),
        });
        var widgetId = (await _client.CreateSurveyAsync(widget))["id"]!.GetValue<Guid>();

        var response = await _client.Storefront.PostAsJsonAsync("/api/surveys/responses", new JsonObject
        {
            ["surveyId"] = widgetId, ["visitorId"] = SurveysClient.NewVisitor(), ["touchpoint"] = "order", ["partnerId"] = partner,
            ["answers"] = new JsonArray(new JsonObject { ["questionId"] = "nps", ["score"] = 9 }, new JsonObject { ["questionId"] = "reason", ["choices"] = new JsonArray("a", "b") }),
        }, Ct);

        var errors = JsonNode.Parse((await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).Extensions["errors"]!.ToString()!)!;
        Assert.Equal("The question 'reason' takes at most 1 choice.", errors["answers[1].choices"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task EmailLinkForASurveyWithoutEmail_Is422WithReasonNotAnEmailSurvey()
    {
        var onSite = (await _client.CreateSurveyAsync(DecisionTests.Targeted(Guid.NewGuid())))["id"]!.GetValue<Guid>();

        var response = await IssueAsync(onSite, new JsonObject { ["orderId"] = NewOrder() });

        Assert.Equal("not-an-email-survey", (await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity)).Extensions["reason"]!.ToString());
    }

    /// <summary>An address of <paramref name="length"/> characters.</summary>
    private static string LongEmail(int length)
    {
        var domain = $"@{Guid.NewGuid():N}.example.com";
        return new string('a', length - domain.Length) + domain;
    }

    private const int Targeting128 = 128;

    private static string NewOrder() => $"order-{Guid.NewGuid():N}";

    private async Task<Guid> EmailSurveyAsync() =>
        (await _client.CreateSurveyAsync(SurveysClient.NpsSurvey(touchpoints: new JsonArray("email"), frequency: "until-submitted")))["id"]!.GetValue<Guid>();

    private Task<HttpResponseMessage> IssueAsync(Guid surveyId, JsonObject request) =>
        _client.Storefront.PostAsJsonAsync($"/api/surveys/surveys/{surveyId}/email-links", request, Ct);

    private static void AssertNames(Microsoft.AspNetCore.Mvc.ProblemDetails problem, string field) =>
        Assert.Contains($"\"{field}\"", problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);

    public void Dispose() => _client.Dispose();
}
