using System.Net;
using System.Text.Json.Nodes;
using PartnerMesh.Contracts.Analytics;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Coupons.FunctionalTests.CouponsTestClient;

namespace PartnerMesh.Coupons.FunctionalTests;

/// <summary>Behaviour-triggered offers: a verified abandoned cart (published on the bus as analytics will) gets the customer
/// a personal, single-use, expiring code, at most once per cooldown.</summary>
public sealed class OfferTests(CouponsApiFactory factory) : IClassFixture<CouponsApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();
    private readonly HttpClient _storefront = factory.Storefront();

    [Fact]
    public async Task CartAbandoned_IssuesPersonalSingleUseCode_FetchedByCustomer_OnlyThatCustomerCanUseIt()
    {
        var email = $"cart-{Guid.NewGuid():N}@Example.com";
        var campaignId = await _admin.CreateCampaignAsync(new JsonObject
        {
            ["currency"] = "EUR",
            ["abandonedCart"] = new JsonObject { ["enabled"] = true, ["expiresAfterHours"] = 48, ["cooldownHours"] = 24 },
        });

        await factory.PublishAsync(Abandoned(email: email));

        var offers = await Eventually.GetAsync(async () =>
        {
            var response = await (await _storefront.GetAsync($"/api/coupons/customers/{Uri.EscapeDataString(email.ToUpperInvariant())}/offers", Ct))
                .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
            var mine = response["offers"]!.AsArray().Where(offer => offer!["campaignId"]!.GetValue<Guid>() == campaignId).ToList();
            return mine.Count > 0 ? mine : null;
        }, because: "the consumer issues an offer");
        var offer = Assert.Single(offers)!;
        Assert.Equal(campaignId, offer["campaignId"]!.GetValue<Guid>());
        Assert.StartsWith("CART-", offer["code"]!.GetValue<string>(), StringComparison.Ordinal);
        var expiresAt = offer["expiresAt"]!.GetValue<DateTimeOffset>();
        Assert.InRange(expiresAt, DateTimeOffset.UtcNow.AddHours(47), DateTimeOffset.UtcNow.AddHours(49));
        var code = offer["code"]!.GetValue<string>();

        Assert.Equal("not_for_customer", (await _storefront.ValidateAsync(Validation(code, Guest("someone@example.com")))).Reason());
        await _storefront.ReserveAndRedeemAsync(code, Guest(email));
        Assert.Equal("exhausted", (await _storefront.ValidateAsync(Validation(code, Guest(email)))).Reason());
        Assert.Empty(await OffersAsync(email, campaignId)); // used: no longer offered
    }

    [Fact]
    public async Task CartAbandoned_AgainWithinCooldownOrRedelivered_NoSecondCode()
    {
        var customerId = $"cust-{Guid.NewGuid():N}";
        var campaignId = await _admin.CreateCampaignAsync(new JsonObject
        {
            ["abandonedCart"] = new JsonObject { ["enabled"] = true, ["cooldownHours"] = 24 },
        });
        var first = Abandoned(customerId: customerId);

        await factory.PublishAsync(first);
        await factory.PublishAsync(first); // redelivery: the inbox applies it once
        await factory.PublishAsync(Abandoned(customerId: customerId)); // a second cart within the cooldown
        var marker = $"cust-{Guid.NewGuid():N}";
        await factory.PublishAsync(Abandoned(customerId: marker)); // processed after the others on the same queue

        await Eventually.UntilAsync(async () => (await OffersAsync(marker)).Count > 0, because: "the marker's offer is issued");
        await Eventually.UntilAsync(async () => (await OffersAsync(customerId, campaignId)).Count == 1, because: "one offer for the customer");
        var issued = await factory.OutboxEventsAsync("coupon-issued");
        Assert.Single(issued, node => node["customerKey"]?.GetValue<string>() == $"id:{customerId}" && node["campaignId"]!.GetValue<Guid>() == campaignId);
    }

    [Fact]
    public async Task CartAbandoned_AnonymousVisitor_NoCode()
    {
        var visitor = Abandoned() with { VisitorId = $"v-{Guid.NewGuid():N}" };
        var marker = $"cust-{Guid.NewGuid():N}";
        await _admin.CreateCampaignAsync(new JsonObject { ["abandonedCart"] = new JsonObject { ["enabled"] = true } });
        var before = await PersonalCodesIssuedAsync();

        await factory.PublishAsync(visitor);
        await factory.PublishAsync(Abandoned(customerId: marker));

        var markerOffers = await Eventually.GetAsync(async () => await OffersAsync(marker) is { Count: > 0 } offers ? offers : null,
            because: "the marker's offer is issued");
        Assert.Equal(before + markerOffers.Count, await PersonalCodesIssuedAsync());
    }

    [Fact]
    public async Task GetOffers_OverlongCustomer_Returns400()
    {
        await (await _storefront.GetAsync($"/api/coupons/customers/{new string('c', 300)}/offers", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    private async Task<List<JsonNode?>> OffersAsync(string customer, Guid? campaignId = null) =>
        [.. (await (await _storefront.GetAsync($"/api/coupons/customers/{Uri.EscapeDataString(customer)}/offers", Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.OK))["offers"]!.AsArray()
            .Where(offer => campaignId is null || offer!["campaignId"]!.GetValue<Guid>() == campaignId)];

    private async Task<int> PersonalCodesIssuedAsync() =>
        (await factory.OutboxEventsAsync("coupon-issued")).Count(node => node["source"]!.GetValue<string>() == "personal");

    private static CartAbandoned Abandoned(string? customerId = null, string? email = null) => new()
    {
        EventId = Guid.CreateVersion7(),
        OccurredAt = DateTimeOffset.UtcNow,
        CartId = $"cart-{Guid.NewGuid():N}",
        VisitorId = $"v-{Guid.NewGuid():N}",
        CustomerId = customerId,
        Email = email,
        CartTotal = 80m,
        Currency = "EUR",
        LastActivityAt = DateTimeOffset.UtcNow.AddHours(-2),
    };
}
