using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.EndToEndTests;

/// <summary>Surveys through the gateway with the whole system running: a partner registered in attribution reaches surveys
/// over the broker, an exit-intent survey targeted at that partner's traffic is shown, answered once, and counted.</summary>
public sealed class SurveyFlowTests(SystemFixture system)
{
    private readonly Journeys _journeys = new(system);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ExitIntentSurvey_ForAPartnersTraffic_ShownAnsweredOnceAndCounted()
    {
        using var admin = system.CreateAdminClient();
        using var storefront = system.CreateStorefrontClient();
        var partner = await _journeys.CreatePartnerAsync();
        // PartnerRegistered crossed RabbitMQ from attribution into the surveys service's partner directory.
        await Eventually.UntilAsync(async () => (await admin.GetAsync($"/api/surveys/partners/{partner.Id}", Ct)).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(60), "the partner in surveys' directory");

        var created = await admin.PostAsJsonAsync("/api/surveys/surveys",
            new JsonObject { ["name"] = "Why are you leaving?", ["kind"] = "exit-intent", ["partnerIds"] = new JsonArray(partner.Id) }, Ct);
        var survey = await created.ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var visitor = $"visitor-{Guid.NewGuid():N}";
        var ask = new JsonObject { ["visitorId"] = visitor, ["touchpoint"] = "checkout", ["trigger"] = "exit-intent", ["partnerId"] = partner.Id, ["campaignId"] = "spring" };

        var decision = await (await storefront.PostAsJsonAsync("/api/surveys/decisions", ask, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var again = await (await storefront.PostAsJsonAsync("/api/surveys/decisions", ask.DeepClone(), Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        Assert.True(decision["show"]!.GetValue<bool>(), decision.ToJsonString());
        Assert.Equal(survey["id"]!.GetValue<Guid>(), decision["survey"]!["id"]!.GetValue<Guid>());
        Assert.False(again["show"]!.GetValue<bool>());
        var answer = new JsonObject
        {
            ["impressionId"] = decision["impressionId"]!.DeepClone(),
            ["visitorId"] = visitor,
            ["answers"] = new JsonArray(new JsonObject { ["questionId"] = "reason", ["choices"] = new JsonArray("coupon-did-not-work") }),
        };
        var badAnswer = new JsonObject
        {
            ["impressionId"] = decision["impressionId"]!.DeepClone(),
            ["visitorId"] = visitor,
            ["answers"] = new JsonArray(new JsonObject { ["questionId"] = "reason", ["choices"] = new JsonArray("<script>") }),
        };

        await (await storefront.PostAsJsonAsync("/api/surveys/responses", badAnswer, Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        var response = await (await storefront.PostAsJsonAsync("/api/surveys/responses", answer, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        await (await storefront.PostAsJsonAsync("/api/surveys/responses", answer.DeepClone(), Ct)).ShouldBeProblemAsync(HttpStatusCode.Conflict);

        Assert.Equal(partner.Id, response["partnerId"]!.GetValue<Guid>());
        Assert.Equal("spring", response["campaignId"]!.GetValue<string>());
        // Both events (shown, submitted) left the outbox for the broker.
        await Eventually.UntilAsync(async () =>
        {
            var status = await (await admin.GetAsync("/api/surveys/status", Ct)).Content.ReadFromJsonAsync<JsonObject>(Ct);
            return status?["outbox"]?["pending"]?.GetValue<int>() == 0;
        }, TimeSpan.FromSeconds(30), "the surveys outbox to drain");
        var insights = await (await admin.GetAsync($"/api/surveys/insights?surveyId={survey["id"]}&groupBy=campaign", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal(1, insights["summary"]!["shown"]!.GetValue<int>());
        Assert.Equal(1, insights["summary"]!["responses"]!.GetValue<int>());
        Assert.Equal("coupon-did-not-work", insights["summary"]!["reasons"]![0]!["code"]!.GetValue<string>());
        var partnerView = await (await admin.GetAsync($"/api/surveys/partner-insights?partnerId={partner.Id}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.True(Assert.Single(partnerView["cells"]!.AsArray())!["suppressed"]!.GetValue<bool>());
    }

    [Fact]
    public async Task StorefrontKey_CannotReadInsights()
    {
        using var storefront = system.CreateStorefrontClient();

        var response = await storefront.GetAsync("/api/surveys/insights", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
