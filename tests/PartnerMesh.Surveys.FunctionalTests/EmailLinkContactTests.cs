using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerMesh.Redis.ContactFrequency;
using PartnerMesh.Surveys.Api;
using PartnerMesh.Surveys.Api.EmailLinks;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Surveys.FunctionalTests;

/// <summary>
/// Issuing an email link claims the shared contact-frequency record (real Redis) for the shopper's identities, as
/// decisions and coupons' behaviour-triggered offers do: within the cooldown a link holder gets no offer and no
/// exit-intent survey, a recently contacted shopper gets no link (409 <c>contact-frequency</c>, nothing written), and a
/// retried issue of the same link is never refused by its own claim.
/// </summary>
public sealed class EmailLinkContactTests(SurveysApiFactory factory) : IClassFixture<SurveysApiFactory>, IDisposable
{
    /// <summary>What coupons' offer service passes (OfferService.ContactChannel; coupons is another service).</summary>
    private const string CouponOfferChannel = "coupon-offer";

    private readonly SurveysClient _client = new(factory);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ContactFrequencyRecord Contacts => factory.Services.GetRequiredService<ContactFrequencyRecord>();

    [Fact]
    public async Task ShopperWithAnEmailLink_GetsNoCouponOfferAndNoExitIntentSurvey_WithinTheCooldown()
    {
        var partner = Guid.NewGuid();
        var exitIntentId = await ExitIntentSurveyAsync(partner);
        var surveyId = await EmailSurveyAsync();
        var customer = NewCustomer();
        var email = $"Guest-{Guid.NewGuid():N}@Example.com";

        await IssueAsync(surveyId, Order(customer: customer, email: email), HttpStatusCode.Created);

        // Coupons' offer for an abandoned cart of the same shopper, by customer id or by email (any casing).
        var byCustomer = await Contacts.TryClaimAsync(new ContactSubject(CustomerId: customer), CouponOfferChannel, contactId: $"cart:{Guid.NewGuid()}");
        var byEmail = await Contacts.TryClaimAsync(new ContactSubject(Email: email.ToUpperInvariant()), CouponOfferChannel, contactId: $"cart:{Guid.NewGuid()}");
        Assert.False(byCustomer.Granted);
        Assert.Equal(EmailLinkEndpoints.ContactChannel, byCustomer.LastChannel);
        Assert.False(byEmail.Granted);
        // An exit-intent survey for the same customer on another device (another visitor id).
        var decision = SurveysClient.Decision(SurveysClient.NewVisitor(), "cart", "exit-intent", partner);
        decision["customerId"] = customer;
        var refused = await _client.DecideAsync(decision);
        Assert.False(refused["show"]!.GetValue<bool>());
        Assert.Equal("global-cooldown", refused["reason"]!.GetValue<string>());
        var records = await factory.Services.GetRequiredService<Api.Decisions.FrequencyRecord>().ReadAsync([exitIntentId], new Api.Decisions.Shopper(decision["visitorId"]!.GetValue<string>(), customer));
        Assert.Equal(Api.Decisions.FrequencyState.None, records.Surveys.Single());
    }

    [Fact]
    public async Task ShopperOfferedACoupon_GetsNoLink_409WithRetryAfter_AndNothingIsWritten()
    {
        var surveyId = await EmailSurveyAsync();
        var email = $"offered-{Guid.NewGuid():N}@example.com";
        Assert.True((await Contacts.TryClaimAsync(new ContactSubject(Email: email), CouponOfferChannel, contactId: $"cart:{Guid.NewGuid()}")).Granted);
        var order = Order(customer: NewCustomer(), email: email.ToUpperInvariant());
        var events = await OutboxCountAsync();

        var response = await _client.Storefront.PostAsJsonAsync($"/api/surveys/surveys/{surveyId}/email-links", order, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(EmailLinkResults.ContactFrequency, problem.Extensions["reason"]!.ToString());
        var retryAfter = DateTimeOffset.Parse(problem.Extensions["retryAfter"]!.ToString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter - factory.Clock.GetUtcNow(), TimeSpan.FromHours(23), TimeSpan.FromHours(24));
        var seconds = long.Parse(response.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(seconds, 23 * 3600, 24 * 3600);
        var orderId = order["orderId"]!.GetValue<string>();
        Assert.Equal(0, await factory.QueryDbAsync(db => db.Impressions.CountAsync(row => row.OrderId == orderId, Ct)));
        Assert.Equal(events, await OutboxCountAsync());
        // The refusal did not record a contact: the coupon offer is still the latest.
        Assert.Equal(CouponOfferChannel, (await Contacts.GetLastContactAsync(new ContactSubject(Email: email)))!.Channel);
    }

    [Fact]
    public async Task ShopperShownAnOnSiteSurvey_GetsNoLinkForAnotherOrder_UntilTheCooldownEnds()
    {
        var partner = Guid.NewGuid();
        await ExitIntentSurveyAsync(partner);
        var surveyId = await EmailSurveyAsync();
        var customer = NewCustomer();
        var decision = SurveysClient.Decision(SurveysClient.NewVisitor(), "cart", "exit-intent", partner);
        decision["customerId"] = customer;
        Assert.True((await _client.DecideAsync(decision))["show"]!.GetValue<bool>());

        await IssueAsync(surveyId, Order(customer: customer), HttpStatusCode.Conflict);
        factory.Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));
        await IssueAsync(surveyId, Order(customer: customer), HttpStatusCode.Created);
    }

    [Fact]
    public async Task RetriedIssues_AreNotRefusedByTheirOwnClaim_ButAnotherOrderIs()
    {
        var surveyId = await EmailSurveyAsync();
        var customer = NewCustomer();
        var order = Order(customer: customer, email: $"retry-{Guid.NewGuid():N}@example.com");

        var first = await IssueAsync(surveyId, order, HttpStatusCode.Created);
        var again = await IssueAsync(surveyId, order, HttpStatusCode.OK);
        var parallel = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _client.Storefront.PostAsJsonAsync(
            $"/api/surveys/surveys/{surveyId}/email-links", order.DeepClone(), Ct)));

        Assert.Equal(first["token"]!.GetValue<string>(), again["token"]!.GetValue<string>());
        Assert.All(parallel, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        foreach (var response in parallel)
        {
            Assert.Equal(first["token"]!.GetValue<string>(), (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["token"]!.GetValue<string>());
        }

        await IssueAsync(surveyId, Order(customer: customer), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task ParallelFirstIssuesOfOneOrder_AllGetTheOneLink_NoneIsRefusedByTheOthersClaim()
    {
        for (var round = 0; round < 5; round++)
        {
            var surveyId = await EmailSurveyAsync();
            var order = Order(customer: NewCustomer(), email: $"race-{Guid.NewGuid():N}@example.com");
            var key = $"issue-{Guid.NewGuid():N}";

            var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ =>
            {
                var request = new HttpRequestMessage(HttpMethod.Post, $"/api/surveys/surveys/{surveyId}/email-links") { Content = JsonContent.Create(order.DeepClone()) };
                request.Headers.Add("Idempotency-Key", key);
                return _client.Storefront.SendAsync(request, Ct);
            }));

            Assert.Equal([HttpStatusCode.Created, .. Enumerable.Repeat(HttpStatusCode.OK, 11)], responses.Select(response => response.StatusCode).OrderBy(code => code == HttpStatusCode.OK));
            var tokens = await Task.WhenAll(responses.Select(async response => (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["token"]!.GetValue<string>()));
            Assert.Single(tokens.Distinct());
        }
    }

    [Fact]
    public async Task IssueRetriedAfterAFailedWrite_IsGrantedByItsOwnEarlierClaim()
    {
        var surveyId = await EmailSurveyAsync();
        var order = Order(customer: NewCustomer());
        // The first attempt claimed the record, then its write failed (nothing stored): exactly the claim a retry meets.
        var earlier = await Contacts.TryClaimAsync(EmailLinkEndpoints.ContactSubjectOf(Request(order)), EmailLinkEndpoints.ContactChannel,
            contactId: EmailLinkEndpoints.ContactIdOf(surveyId, order["orderId"]!.GetValue<string>()));
        Assert.True(earlier.Granted);

        await IssueAsync(surveyId, order, HttpStatusCode.Created);
    }

    [Fact]
    public async Task ParallelIssuesForTwoOrdersOfOneShopper_OnlyOneLinkIsIssued()
    {
        var surveyId = await EmailSurveyAsync();
        var customer = NewCustomer();
        var orders = Enumerable.Range(0, 6).Select(_ => Order(customer: customer)).ToList();

        var responses = await Task.WhenAll(orders.Select(order => _client.Storefront.PostAsJsonAsync($"/api/surveys/surveys/{surveyId}/email-links", order, Ct)));

        Assert.Single(responses, response => response.StatusCode == HttpStatusCode.Created);
        Assert.Equal(5, responses.Count(response => response.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(1, await factory.QueryDbAsync(db => db.Impressions.CountAsync(row => row.CustomerId == customer, Ct)));
    }

    [Theory]
    [InlineData("\u200b")]
    [InlineData("\u2060")]
    [InlineData("\u00ad")]
    public async Task LinkForAnotherOrderToTheSameInboxWithAnInvisibleCharacter_Is409ContactFrequency(string invisible)
    {
        var surveyId = await EmailSurveyAsync();
        var email = $"guest-{Guid.NewGuid():N}@example.com";
        await IssueAsync(surveyId, Order(email: email), HttpStatusCode.Created);

        await IssueAsync(surveyId, Order(email: invisible + email.Replace("@", invisible + "@", StringComparison.Ordinal)), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task LinkWithoutAShopperIdentity_IsClaimedUnderItsOrder()
    {
        var surveyId = await EmailSurveyAsync();
        var orderId = $"order-{Guid.NewGuid():N}";

        await IssueAsync(surveyId, new JsonObject { ["orderId"] = orderId }, HttpStatusCode.Created);
        await IssueAsync(surveyId, new JsonObject { ["orderId"] = $"order-{Guid.NewGuid():N}" }, HttpStatusCode.Created);

        Assert.Equal(EmailLinkEndpoints.ContactChannel, (await Contacts.GetLastContactAsync(new ContactSubject(VisitorId: $"order:{orderId}")))!.Channel);
    }

    [Theory]
    [InlineData("")]
    [InlineData("no-at-sign")]
    [InlineData("@example.com")]
    [InlineData("shopper@")]
    [InlineData("a b@example.com")]
    [InlineData("long")]
    public async Task BadEmail_Returns400NamingIt_AndClaimsNothing(string email)
    {
        var surveyId = await EmailSurveyAsync();
        var customer = NewCustomer();
        var order = Order(customer: customer, email: email == "long" ? new string('a', 250) + "@example.com" : email);

        var response = await _client.Storefront.PostAsJsonAsync($"/api/surveys/surveys/{surveyId}/email-links", order, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("\"email\"", problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
        Assert.Null(await Contacts.GetLastContactAsync(new ContactSubject(CustomerId: customer)));
    }

    [Fact]
    public async Task EmailOfTheWrongType_Returns400()
    {
        var surveyId = await EmailSurveyAsync();

        var response = await _client.Storefront.PostAsync($"/api/surveys/surveys/{surveyId}/email-links",
            new StringContent($$"""{"orderId":"order-{{Guid.NewGuid():N}}","email":42}""", System.Text.Encoding.UTF8, "application/json"), Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    private async Task<JsonObject> IssueAsync(Guid surveyId, JsonObject order, HttpStatusCode expected)
    {
        var response = await _client.Storefront.PostAsJsonAsync($"/api/surveys/surveys/{surveyId}/email-links", order.DeepClone(), Ct);
        if (expected == HttpStatusCode.Conflict)
        {
            var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Conflict);
            Assert.Equal(EmailLinkResults.ContactFrequency, problem.Extensions["reason"]!.ToString());
            return [];
        }

        return await response.ShouldBeAsync<JsonObject>(expected);
    }

    private async Task<Guid> EmailSurveyAsync()
    {
        // Any partner, and no per-survey limit on showings: these tests are about the shared contact record.
        var survey = SurveysClient.NpsSurvey(touchpoints: new JsonArray("email"), frequency: "until-submitted");
        return (await _client.CreateSurveyAsync(survey))["id"]!.GetValue<Guid>();
    }

    private async Task<Guid> ExitIntentSurveyAsync(Guid partner) =>
        (await _client.CreateSurveyAsync(new JsonObject { ["name"] = "Why leave?", ["kind"] = "exit-intent", ["partnerIds"] = new JsonArray(partner) }))["id"]!.GetValue<Guid>();

    private Task<int> OutboxCountAsync() => factory.QueryDbAsync(db => db.Set<PartnerMesh.Outbox.OutboxMessage>().CountAsync(Ct));

    private static string NewCustomer() => $"customer-{Guid.NewGuid():N}";

    private static JsonObject Order(string? customer = null, string? email = null)
    {
        var order = new JsonObject { ["orderId"] = $"order-{Guid.NewGuid():N}" };
        if (customer is not null)
        {
            order["customerId"] = customer;
        }

        if (email is not null)
        {
            order["email"] = email;
        }

        return order;
    }

    private static IssueEmailLinkRequest Request(JsonObject order) => new()
    {
        OrderId = order["orderId"]?.GetValue<string>(),
        CustomerId = order["customerId"]?.GetValue<string>(),
        Email = order["email"]?.GetValue<string>(),
    };

    public void Dispose() => _client.Dispose();
}

public sealed class EmailLinkRedisOutageTests(NoRedisSurveysApiFactory factory) : IClassFixture<NoRedisSurveysApiFactory>
{
    [Fact]
    public async Task RedisUnreachable_IssuesNoLink_503AndSaysWhy()
    {
        using var client = new SurveysClient(factory);
        var survey = SurveysClient.NpsSurvey(touchpoints: new JsonArray("email"));
        var surveyId = (await client.CreateSurveyAsync(survey))["id"]!.GetValue<Guid>();
        var orderId = $"order-{Guid.NewGuid():N}";

        var response = await client.Storefront.PostAsJsonAsync($"/api/surveys/surveys/{surveyId}/email-links",
            new JsonObject { ["orderId"] = orderId, ["customerId"] = "c-outage" }, TestContext.Current.CancellationToken);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal(EmailLinkResults.ContactRecordUnavailable, problem.Extensions["reason"]!.ToString());
        Assert.True(response.Headers.Contains("Retry-After"));
        Assert.Equal(0, await factory.QueryDbAsync(db => db.Impressions.CountAsync(row => row.OrderId == orderId, TestContext.Current.CancellationToken)));
    }
}
