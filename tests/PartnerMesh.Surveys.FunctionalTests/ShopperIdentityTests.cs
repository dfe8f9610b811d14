using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerMesh.Redis.ContactFrequency;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Surveys.FunctionalTests;

/// <summary>
/// A shopper known by customer id or email is one shopper across visitor ids (another device, cleared cookies): for the
/// survey's own frequency record and for the global recontact cooldown, including identities first seen together in a
/// decision that showed nothing.
/// </summary>
public sealed class ShopperIdentityTests(SurveysApiFactory factory) : IClassFixture<SurveysApiFactory>, IDisposable
{
    private readonly SurveysClient _client = new(factory);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("customerId", "")]
    [InlineData("email", "")]
    [InlineData("email", "\u200b")]
    [InlineData("email", "\u00ad")]
    [InlineData("email", "\ufeff")]
    public async Task NewVisitorId_WithTheCustomerOrEmailOfAShopperJustShown_IsNotShownTheSurveyAgain(string identity, string invisible)
    {
        var partner = Guid.NewGuid();
        var definition = DecisionTests.Targeted(partner, "cooldown");
        definition["frequency"]!["cooldownHours"] = 1;
        await _client.CreateSurveyAsync(definition);
        var (known, sameShopper) = Identities(identity, invisible);
        var firstVisitor = SurveysClient.NewVisitor();

        var shown = await _client.DecideAsync(SurveysClient.Decision(firstVisitor, partnerId: partner));
        var sameVisitorKnown = await _client.DecideAsync(As(SurveysClient.Decision(firstVisitor, partnerId: partner), identity, known));
        factory.Clock.Advance(TimeSpan.FromMinutes(10));
        var otherVisitor = await _client.DecideAsync(As(SurveysClient.Decision(SurveysClient.NewVisitor(), partnerId: partner), identity, sameShopper));

        Assert.True(shown["show"]!.GetValue<bool>());
        Assert.Equal("frequency", sameVisitorKnown["reason"]!.GetValue<string>());
        Assert.False(otherVisitor["show"]!.GetValue<bool>(), otherVisitor.ToJsonString());
        Assert.Equal("frequency", otherVisitor["reason"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("customerId", "")]
    [InlineData("email", "")]
    [InlineData("email", "\u200b")]
    [InlineData("email", "\u00ad")]
    [InlineData("email", "\ufeff")]
    public async Task NewVisitorId_WithTheCustomerOrEmailOfAShopperJustShown_IsRefusedAnotherSurveyByTheGlobalCooldown(string identity, string invisible)
    {
        var partner = Guid.NewGuid();
        await _client.CreateSurveyAsync(DecisionTests.Targeted(partner));
        await _client.CreateSurveyAsync(new JsonObject { ["name"] = "Why leave?", ["kind"] = "exit-intent", ["partnerIds"] = new JsonArray(partner) });
        var (known, sameShopper) = Identities(identity, invisible);
        var firstVisitor = SurveysClient.NewVisitor();

        var shown = await _client.DecideAsync(SurveysClient.Decision(firstVisitor, partnerId: partner));
        var shownAt = factory.Clock.GetUtcNow();
        // Refused by the survey's own frequency: the shared contact record is not even asked, yet the identities are linked.
        var sameVisitorKnown = await _client.DecideAsync(As(SurveysClient.Decision(firstVisitor, partnerId: partner), identity, known));
        factory.Clock.Advance(TimeSpan.FromMinutes(10));
        var exitIntent = await _client.DecideAsync(As(SurveysClient.Decision(SurveysClient.NewVisitor(), "cart", "exit-intent", partner), identity, sameShopper));

        Assert.True(shown["show"]!.GetValue<bool>());
        Assert.Equal("frequency", sameVisitorKnown["reason"]!.GetValue<string>());
        Assert.False(exitIntent["show"]!.GetValue<bool>(), exitIntent.ToJsonString());
        Assert.Equal("global-cooldown", exitIntent["reason"]!.GetValue<string>());
        AssertNear(shownAt + TimeSpan.FromHours(24), exitIntent["retryAfter"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task NewVisitorId_WithTheCustomerOfAShopperOfferedACoupon_IsRefusedUntilTheOffersCooldownEnds()
    {
        var partner = Guid.NewGuid();
        await _client.CreateSurveyAsync(new JsonObject { ["name"] = "Why leave?", ["kind"] = "exit-intent", ["partnerIds"] = new JsonArray(partner) });
        var customer = $"c-{Guid.NewGuid():N}";
        var offeredVisitor = SurveysClient.NewVisitor();
        var contacts = factory.Services.GetRequiredService<ContactFrequencyRecord>();
        Assert.True((await contacts.TryClaimAsync(new ContactSubject(offeredVisitor), "coupon-offer")).Granted);
        var offeredAt = factory.Clock.GetUtcNow();
        factory.Clock.Advance(TimeSpan.FromHours(1));

        var offeredVisitorKnown = await _client.DecideAsync(As(SurveysClient.Decision(offeredVisitor, "cart", "exit-intent", partner), "customerId", customer));
        var otherVisitor = await _client.DecideAsync(As(SurveysClient.Decision(SurveysClient.NewVisitor(), "cart", "exit-intent", partner), "customerId", customer));

        Assert.Equal("global-cooldown", offeredVisitorKnown["reason"]!.GetValue<string>());
        Assert.False(otherVisitor["show"]!.GetValue<bool>(), otherVisitor.ToJsonString());
        Assert.Equal("global-cooldown", otherVisitor["reason"]!.GetValue<string>());
        // The cooldown runs from the offer, not from the refused decision.
        AssertNear(offeredAt + TimeSpan.FromHours(24), otherVisitor["retryAfter"]!.GetValue<DateTimeOffset>());
        factory.Clock.Advance(TimeSpan.FromHours(23.5));
        Assert.True((await _client.DecideAsync(As(SurveysClient.Decision(SurveysClient.NewVisitor(), "cart", "exit-intent", partner), "customerId", customer)))["show"]!.GetValue<bool>());
    }

    [Fact]
    public async Task UntilSubmitted_AnsweredUnderOneVisitorId_IsNotShownToTheSameCustomerUnderAnother()
    {
        var partner = Guid.NewGuid();
        var definition = DecisionTests.Targeted(partner, "until-submitted");
        definition["frequency"]!["cooldownHours"] = 1;
        await _client.CreateSurveyAsync(definition);
        var customer = $"c-{Guid.NewGuid():N}";
        var firstVisitor = SurveysClient.NewVisitor();
        var shown = await _client.DecideAsync(As(SurveysClient.Decision(firstVisitor, partnerId: partner), "customerId", customer));
        await (await _client.SubmitAsync(shown["impressionId"]!.GetValue<Guid>(), firstVisitor, SurveysClient.Nps(9))).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        factory.Clock.Advance(TimeSpan.FromHours(25));
        var otherVisitor = await _client.DecideAsync(As(SurveysClient.Decision(SurveysClient.NewVisitor(), partnerId: partner), "customerId", customer));

        Assert.False(otherVisitor["show"]!.GetValue<bool>(), otherVisitor.ToJsonString());
        Assert.Equal("frequency", otherVisitor["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task EmailLink_ForACustomerShownTheSurveyOnSiteUnderAnotherVisitorId_IsNotEligible()
    {
        var partner = Guid.NewGuid();
        var definition = SurveysClient.NpsSurvey(touchpoints: new JsonArray("order", "email"));
        definition["partnerIds"] = new JsonArray(partner);
        var id = (await _client.CreateSurveyAsync(definition))["id"]!.GetValue<Guid>();
        var customer = $"c-{Guid.NewGuid():N}";
        Assert.True((await _client.DecideAsync(As(SurveysClient.Decision(SurveysClient.NewVisitor(), partnerId: partner), "customerId", customer)))["show"]!.GetValue<bool>());
        factory.Clock.Advance(TimeSpan.FromHours(25));

        var response = await _client.Storefront.PostAsJsonAsync($"/api/surveys/surveys/{id}/email-links", new JsonObject
        {
            ["orderId"] = $"order-{Guid.NewGuid():N}", ["visitorId"] = SurveysClient.NewVisitor(), ["customerId"] = customer, ["partnerId"] = partner,
        }, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("frequency", problem.Extensions["eligibility"]!.ToString());
    }

    /// <summary>
    /// The identity as first given, and as the same shopper gives it later: an email in another casing, with
    /// <paramref name="invisible"/> (a character no one sees, never another mailbox) before its '@' and at its start.
    /// </summary>
    internal static (string Known, string SameShopper) Identities(string identity, string invisible = "")
    {
        if (identity == "email")
        {
            var email = $"Ann-{Guid.NewGuid():N}@Example.com";
            return (email, "  " + invisible + email.ToUpperInvariant().Replace("@", invisible + "@", StringComparison.Ordinal));
        }

        var customer = $"c-{Guid.NewGuid():N}";
        return (customer, customer);
    }

    internal static JsonObject As(JsonObject decision, string identity, string value)
    {
        decision[identity] = value;
        return decision;
    }

    private static void AssertNear(DateTimeOffset expected, DateTimeOffset actual) =>
        Assert.InRange(actual, expected - TimeSpan.FromSeconds(1), expected + TimeSpan.FromSeconds(1));

    public void Dispose() => _client.Dispose();
}

/// <summary>Without a global cooldown, only the survey's own record (keyed by every identity) separates racing decisions.</summary>
public sealed class ConcurrentShopperDecisionTests(NoGlobalCooldownSurveysApiFactory factory) : IClassFixture<NoGlobalCooldownSurveysApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("customerId")]
    [InlineData("email")]
    public async Task TwentyParallelDecisions_ForOneShopperUnderDifferentVisitorIds_ShowTheSurveyOnce(string identity)
    {
        using var client = new SurveysClient(factory);
        var partner = Guid.NewGuid();
        await client.CreateSurveyAsync(DecisionTests.Targeted(partner));
        var (known, sameShopper) = ShopperIdentityTests.Identities(identity);
        var visitors = Enumerable.Range(0, 20).Select(_ => SurveysClient.NewVisitor()).ToList();

        var decisions = await Task.WhenAll(visitors.Select((visitor, index) =>
            client.DecideAsync(ShopperIdentityTests.As(SurveysClient.Decision(visitor, partnerId: partner), identity, index % 2 == 0 ? known : sameShopper))));

        Assert.Single(decisions, decision => decision["show"]!.GetValue<bool>());
        Assert.All(decisions.Where(decision => !decision["show"]!.GetValue<bool>()), decision => Assert.Equal("frequency", decision["reason"]!.GetValue<string>()));
        Assert.Equal(1, await factory.QueryDbAsync(db => db.Impressions.CountAsync(impression => visitors.Contains(impression.VisitorId), Ct)));
    }
}
