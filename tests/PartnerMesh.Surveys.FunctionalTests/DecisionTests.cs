using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerMesh.Contracts;
using PartnerMesh.Contracts.Surveys;
using PartnerMesh.Outbox;
using PartnerMesh.Redis.ContactFrequency;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Surveys.FunctionalTests;

public sealed class DecisionTests(SurveysApiFactory factory) : IClassFixture<SurveysApiFactory>, IDisposable
{
    internal static readonly string ShownUrn = IntegrationEventTypes.UrnOf(typeof(SurveyShown));

    private readonly SurveysClient _client = new(factory);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ShowOnce_ShowsTheFirstTime_ThenNeverAgain_AndRecordsTheShowingWithItsEvent()
    {
        var partner = Guid.NewGuid();
        var survey = await _client.CreateSurveyAsync(Targeted(partner));
        var visitor = SurveysClient.NewVisitor();

        var first = await _client.DecideAsync(SurveysClient.Decision(visitor, partnerId: partner));
        var second = await _client.DecideAsync(SurveysClient.Decision(visitor, partnerId: partner));

        Assert.True(first["show"]!.GetValue<bool>());
        Assert.Equal(survey["id"]!.GetValue<Guid>(), first["survey"]!["id"]!.GetValue<Guid>());
        Assert.Equal(3, first["survey"]!["questions"]!.AsArray().Count);
        Assert.False(second["show"]!.GetValue<bool>());
        Assert.Equal("frequency", second["reason"]!.GetValue<string>());
        var impressionId = first["impressionId"]!.GetValue<Guid>();
        var events = await factory.QueryDbAsync(db => db.Set<OutboxMessage>().Where(message => message.MessageUrn == ShownUrn)
            .Select(message => message.Payload).ToListAsync(Ct));
        Assert.Single(events, payload => payload.Contains(impressionId.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task GlobalCooldown_IsSharedAcrossSurveysAndCouponOffers()
    {
        var partner = Guid.NewGuid();
        await _client.CreateSurveyAsync(Targeted(partner));
        var exitIntent = new JsonObject { ["name"] = "Why leave?", ["kind"] = "exit-intent", ["partnerIds"] = new JsonArray(partner) };
        var exitIntentId = (await _client.CreateSurveyAsync(exitIntent))["id"]!.GetValue<Guid>();
        var visitor = SurveysClient.NewVisitor();
        var offered = SurveysClient.NewVisitor();
        var contacts = factory.Services.GetRequiredService<ContactFrequencyRecord>();
        Assert.True((await contacts.TryClaimAsync(new ContactSubject(offered), "coupon-offer")).Granted);

        var shown = await _client.DecideAsync(SurveysClient.Decision(visitor, partnerId: partner));
        var otherSurvey = await _client.DecideAsync(SurveysClient.Decision(visitor, "cart", "exit-intent", partner));
        var afterOffer = await _client.DecideAsync(SurveysClient.Decision(offered, "cart", "exit-intent", partner));

        Assert.True(shown["show"]!.GetValue<bool>());
        Assert.Equal("global-cooldown", otherSurvey["reason"]!.GetValue<string>());
        Assert.NotNull(otherSurvey["retryAfter"]);
        Assert.Equal("global-cooldown", afterOffer["reason"]!.GetValue<string>());
        // Refused by the shared record, the survey's own record stays as it was: the visitor was not shown it.
        var records = await factory.Services.GetRequiredService<Api.Decisions.FrequencyRecord>().ReadAsync([exitIntentId], new Api.Decisions.Shopper(offered));
        Assert.Equal(Api.Decisions.FrequencyState.None, records.Surveys.Single());
    }

    [Fact]
    public async Task Targeting_PartnerSegmentTouchpointTriggerPauseAndSchedule()
    {
        var partner = Guid.NewGuid();
        var definition = Targeted(partner);
        definition["segments"] = new JsonArray("vip");
        var survey = await _client.CreateSurveyAsync(definition);
        var id = survey["id"]!.GetValue<Guid>();

        Assert.Equal("no-eligible-survey", (await _client.DecideAsync(SurveysClient.Decision(SurveysClient.NewVisitor(), partnerId: Guid.NewGuid(), segments: "vip")))["reason"]!.GetValue<string>());
        Assert.Equal("no-eligible-survey", (await _client.DecideAsync(SurveysClient.Decision(SurveysClient.NewVisitor(), partnerId: partner, segments: "new")))["reason"]!.GetValue<string>());
        Assert.Equal("no-eligible-survey", (await _client.DecideAsync(SurveysClient.Decision(SurveysClient.NewVisitor(), "cart", "exit-intent", partner, "vip")))["reason"]!.GetValue<string>());

        await (await _client.Admin.PostAsync($"/api/surveys/surveys/{id}/pause", null, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal("no-eligible-survey", (await _client.DecideAsync(SurveysClient.Decision(SurveysClient.NewVisitor(), partnerId: partner, segments: "vip")))["reason"]!.GetValue<string>());
        await (await _client.Admin.PostAsync($"/api/surveys/surveys/{id}/resume", null, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.True((await _client.DecideAsync(SurveysClient.Decision(SurveysClient.NewVisitor(), "order", "post-purchase", partner, "new", "vip")))["show"]!.GetValue<bool>());

        var later = Targeted(partner);
        later["startsAt"] = factory.Clock.GetUtcNow().AddDays(1);
        later["partnerIds"] = new JsonArray(Guid.NewGuid());
        var scheduled = await _client.CreateSurveyAsync(later);
        var scheduledPartner = scheduled["partnerIds"]![0]!.GetValue<Guid>();
        Assert.Equal("no-eligible-survey", (await _client.DecideAsync(SurveysClient.Decision(SurveysClient.NewVisitor(), partnerId: scheduledPartner)))["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task SamplingZero_NeverShows_SamplingIsStickyPerVisitor()
    {
        var partner = Guid.NewGuid();
        var none = Targeted(partner);
        none["samplingPercent"] = 0;
        await _client.CreateSurveyAsync(none);

        var decisions = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => _client.DecideAsync(SurveysClient.Decision(SurveysClient.NewVisitor(), partnerId: partner))));

        Assert.All(decisions, decision => Assert.Equal("no-eligible-survey", decision["reason"]!.GetValue<string>()));
    }

    [Fact]
    public async Task CooldownMode_ShowsAgainOnlyAfterTheCooldown()
    {
        var partner = Guid.NewGuid();
        var definition = Targeted(partner, "cooldown");
        definition["frequency"]!["cooldownHours"] = 48;
        await _client.CreateSurveyAsync(definition);
        var visitor = SurveysClient.NewVisitor();

        Assert.True((await _client.DecideAsync(SurveysClient.Decision(visitor, partnerId: partner)))["show"]!.GetValue<bool>());
        factory.Clock.Advance(TimeSpan.FromHours(30));
        var tooSoon = await _client.DecideAsync(SurveysClient.Decision(visitor, partnerId: partner));
        factory.Clock.Advance(TimeSpan.FromHours(19));
        var again = await _client.DecideAsync(SurveysClient.Decision(visitor, partnerId: partner));

        Assert.Equal("frequency", tooSoon["reason"]!.GetValue<string>());
        Assert.True(again["show"]!.GetValue<bool>());
    }

    [Fact]
    public async Task UntilSubmitted_StopsAfterTheVisitorAnswers()
    {
        var partner = Guid.NewGuid();
        var survey = await _client.CreateSurveyAsync(Targeted(partner, "until-submitted"));
        var (visitor, impression) = await _client.ShowAsync(survey["id"]!.GetValue<Guid>(), partner);

        factory.Clock.Advance(TimeSpan.FromHours(25));
        var beforeAnswer = await _client.DecideAsync(SurveysClient.Decision(visitor, partnerId: partner));
        Assert.True(beforeAnswer["show"]!.GetValue<bool>());
        await (await _client.SubmitAsync(impression, visitor, SurveysClient.Nps(9))).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        factory.Clock.Advance(TimeSpan.FromHours(25));
        var afterAnswer = await _client.DecideAsync(SurveysClient.Decision(visitor, partnerId: partner));

        Assert.Equal("frequency", afterAnswer["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task ConcurrentDecisions_WithTwoSurveysThatFit_ShowOne_LosersAnswerFrequencyOrGlobalCooldown()
    {
        var partner = Guid.NewGuid();
        await _client.CreateSurveyAsync(Targeted(partner));
        await _client.CreateSurveyAsync(Targeted(partner));
        var visitor = SurveysClient.NewVisitor();

        var decisions = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => _client.DecideAsync(SurveysClient.Decision(visitor, partnerId: partner))));
        var later = await _client.DecideAsync(SurveysClient.Decision(visitor, partnerId: partner));

        // A loser that read before the winner's showing loses its compare-and-set (frequency); one that read after it
        // finds the other survey still allowed, and the shopper just contacted (global-cooldown, with when to ask again).
        Assert.Single(decisions, decision => decision["show"]!.GetValue<bool>());
        Assert.All(decisions.Where(decision => !decision["show"]!.GetValue<bool>()), decision =>
        {
            var reason = decision["reason"]!.GetValue<string>();
            Assert.Contains(reason, new[] { "frequency", "global-cooldown" });
            Assert.Equal(reason == "global-cooldown", decision["retryAfter"] is not null);
        });
        Assert.Equal("global-cooldown", later["reason"]!.GetValue<string>());
        Assert.Equal(1, await factory.QueryDbAsync(db => db.Impressions.CountAsync(impression => impression.VisitorId == visitor, Ct)));
    }

    [Theory]
    [InlineData("""{"touchpoint":"order","trigger":"post-purchase"}""")]
    [InlineData("""{"visitorId":"v","touchpoint":"basket","trigger":"post-purchase"}""")]
    [InlineData("""{"visitorId":"v","touchpoint":"order","trigger":"whenever"}""")]
    [InlineData("""{"visitorId":"v","touchpoint":"order","trigger":"event"}""")]
    [InlineData("""{"visitorId":"v","touchpoint":"order","trigger":"post-purchase","segments":["<b>"]}""")]
    [InlineData("""{"visitorId":"v","touchpoint":"order","trigger":"post-purchase","partnerId":"nope"}""")]
    [InlineData("""{"visitorId":"v\u0000","touchpoint":"order","trigger":"post-purchase"}""")]
    [InlineData("""{"visitorId":"v","touchpoint":"order","trigger":"post-purchase","campaignId":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}""")]
    public async Task InvalidDecisionRequest_Returns400Problem(string json)
    {
        var response = await _client.Storefront.PostAsync("/api/surveys/decisions", new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task PartnerToken_CannotAskForDecisions()
    {
        using var partner = factory.CreatePartnerClient(Guid.NewGuid());

        var response = await partner.PostAsJsonAsync("/api/surveys/decisions", SurveysClient.Decision("v"), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    /// <summary>A post-purchase NPS survey only for one partner's traffic, so tests sharing the database do not meet.</summary>
    public static JsonObject Targeted(Guid partner, string frequency = "once")
    {
        var definition = SurveysClient.NpsSurvey(frequency: frequency);
        definition["partnerIds"] = new JsonArray(partner);
        return definition;
    }

    public void Dispose() => _client.Dispose();
}

public sealed class RedisOutageTests(NoRedisSurveysApiFactory factory) : IClassFixture<NoRedisSurveysApiFactory>
{
    [Fact]
    public async Task RedisUnreachable_ShowsNothing_AndSaysWhy()
    {
        using var client = new SurveysClient(factory);
        var partner = Guid.NewGuid();
        await client.CreateSurveyAsync(DecisionTests.Targeted(partner));

        var decision = await client.DecideAsync(SurveysClient.Decision(SurveysClient.NewVisitor(), partnerId: partner));

        Assert.False(decision["show"]!.GetValue<bool>());
        Assert.Equal("frequency-record-unavailable", decision["reason"]!.GetValue<string>());
        Assert.Equal(0, await factory.QueryDbAsync(db => db.Impressions.CountAsync(TestContext.Current.CancellationToken)));
    }
}

/// <summary>Surveys with no global recontact cooldown: only the survey's own frequency record separates showings.</summary>
public sealed class NoGlobalCooldownSurveysApiFactory : SurveysApiFactory
{
    protected override void ConfigureTestSettings(IDictionary<string, string?> settings)
    {
        base.ConfigureTestSettings(settings);
        settings["ContactFrequency:GlobalCooldown"] = "00:00:00";
    }
}

public sealed class ConcurrentDecisionTests(NoGlobalCooldownSurveysApiFactory factory) : IClassFixture<NoGlobalCooldownSurveysApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("once")]
    [InlineData("until-submitted")]
    public async Task ConcurrentDecisions_ForOneVisitor_ShowTheSurveyOnce(string frequency)
    {
        using var client = new SurveysClient(factory);
        var partner = Guid.NewGuid();
        var definition = DecisionTests.Targeted(partner, frequency);
        if (frequency != "once")
        {
            definition["frequency"] = new JsonObject { ["mode"] = frequency, ["cooldownHours"] = 1 };
        }

        await client.CreateSurveyAsync(definition);
        var visitor = SurveysClient.NewVisitor();

        var decisions = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => client.DecideAsync(SurveysClient.Decision(visitor, partnerId: partner))));

        Assert.Single(decisions, decision => decision["show"]!.GetValue<bool>());
        Assert.All(decisions.Where(decision => !decision["show"]!.GetValue<bool>()), decision => Assert.Equal("frequency", decision["reason"]!.GetValue<string>()));
        Assert.Equal(1, await factory.QueryDbAsync(db => db.Impressions.CountAsync(impression => impression.VisitorId == visitor, Ct)));
    }

    [Fact]
    public async Task ConcurrentShowings_ToManyVisitors_AreEachCommittedWithTheirEventBeforeTheAnswer()
    {
        using var client = new SurveysClient(factory);
        var partner = Guid.NewGuid();
        await client.CreateSurveyAsync(DecisionTests.Targeted(partner));
        var visitors = Enumerable.Range(0, 120).Select(_ => SurveysClient.NewVisitor()).ToList();

        // Showings arriving together share group commits; each answer comes only once its own showing is stored.
        var decisions = await Task.WhenAll(visitors.Select(visitor => client.DecideAsync(SurveysClient.Decision(visitor, partnerId: partner))));

        Assert.All(decisions, decision => Assert.True(decision["show"]!.GetValue<bool>()));
        var impressionIds = decisions.Select(decision => decision["impressionId"]!.GetValue<Guid>()).ToHashSet();
        Assert.Equal(visitors.Count, impressionIds.Count);
        var stored = await factory.QueryDbAsync(db => db.Impressions.Where(impression => impressionIds.Contains(impression.Id))
            .Select(impression => impression.VisitorId).ToListAsync(Ct));
        Assert.Equal(visitors.Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));
        var events = await factory.QueryDbAsync(db => db.Set<OutboxMessage>().Where(message => message.MessageUrn == DecisionTests.ShownUrn)
            .Select(message => message.Payload).ToListAsync(Ct));
        Assert.All(impressionIds, id => Assert.Single(events, payload => payload.Contains(id.ToString(), StringComparison.Ordinal)));
    }
}
