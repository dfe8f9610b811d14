using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerMesh.Contracts.Analytics;
using PartnerMesh.Coupons.Api.Codes;
using PartnerMesh.Coupons.Api.IntegrationEvents;
using PartnerMesh.Coupons.Api.Offers;
using PartnerMesh.Outbox;
using PartnerMesh.Redis.ContactFrequency;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Coupons.FunctionalTests.CouponsTestClient;

namespace PartnerMesh.Coupons.FunctionalTests;

/// <summary>
/// Offer policies: the contact cooldown shared with surveys, the delay before an offer, a cart ordered after all (whichever
/// of <c>CartAbandoned</c> and <c>CartRecovered</c> is consumed first), the pool of pre-generated codes (issued from,
/// replenished when low, announced once), and the refusal of bad policies. Every offer campaign here takes
/// every cart, so each test looks only at its own campaign's offers.
/// </summary>
public sealed class OfferPolicyTests(CouponsApiFactory factory) : IClassFixture<CouponsApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();
    private readonly HttpClient _storefront = factory.Storefront();

    private ContactFrequencyRecord Contacts => factory.Services.GetRequiredService<ContactFrequencyRecord>();

    [Fact]
    public async Task ShopperSurveyedWithinTheSharedCooldown_GetsNoOffer_OthersDo()
    {
        var campaignId = await OfferCampaignAsync();
        var surveyed = Abandoned(customerId: $"cust-{Guid.NewGuid():N}");
        Assert.True((await Contacts.TryClaimAsync(new ContactSubject(VisitorId: surveyed.VisitorId), "survey")).Granted);
        var marker = Abandoned(customerId: $"cust-{Guid.NewGuid():N}");

        await factory.PublishAsync(surveyed);
        await factory.PublishAsync(marker);

        await Eventually.UntilAsync(async () => (await OffersAsync(marker.CustomerId!, campaignId)).Count == 1, because: "the marker's offer is issued");
        await Eventually.UntilAsync(async () => await PendingAsync(surveyed.CartId, campaignId) == 0, because: "the surveyed shopper's offer is settled");
        Assert.Empty(await OffersAsync(surveyed.CustomerId!, campaignId));
        Assert.Equal("survey", (await Contacts.GetLastContactAsync(new ContactSubject(VisitorId: surveyed.VisitorId)))!.Channel);
    }

    [Fact]
    public async Task IssuedOffer_IsRecordedInTheSharedContactRecord_SoASurveyWaits()
    {
        var campaignId = await OfferCampaignAsync();
        var email = $"Guest-{Guid.NewGuid():N}@Example.com";
        var cart = Abandoned(email: email);

        await factory.PublishAsync(cart);

        await Eventually.UntilAsync(async () => (await OffersAsync(email, campaignId)).Count == 1, because: "the offer is issued");
        var survey = await Contacts.TryClaimAsync(new ContactSubject(Email: email.ToLowerInvariant()), "survey");
        Assert.False(survey.Granted);
        Assert.Equal(OfferService.ContactChannel, survey.LastChannel);
    }

    [Fact]
    public async Task TwoCampaignsForOneCart_AreOneContact_BothOffersIssued()
    {
        var first = await OfferCampaignAsync();
        var second = await OfferCampaignAsync();
        var cart = Abandoned(customerId: $"cust-{Guid.NewGuid():N}");

        await factory.PublishAsync(cart);

        await Eventually.UntilAsync(async () => (await OffersAsync(cart.CustomerId!)).Count(offer => offer!["campaignId"]!.GetValue<Guid>() is var id && (id == first || id == second)) == 2,
            because: "both campaigns' offers are issued for the one contact");
    }

    [Fact]
    public async Task DelayedOffer_IsPendingUntilDue_ThenIssued()
    {
        var campaignId = await OfferCampaignAsync(new JsonObject { ["delayMinutes"] = 60 });
        var cart = Abandoned(customerId: $"cust-{Guid.NewGuid():N}");
        var published = DateTimeOffset.UtcNow;

        await factory.PublishAsync(cart);

        await Eventually.UntilAsync(async () => await PendingAsync(cart.CartId, campaignId) == 1, because: "the offer is scheduled");
        await IssueDueAtAsync(published.AddMinutes(58));
        Assert.Empty(await OffersAsync(cart.CustomerId!, campaignId));
        Assert.Equal(1, await PendingAsync(cart.CartId, campaignId));

        Assert.True(await IssueDueAtAsync(published.AddMinutes(61)) >= 1);

        var offer = Assert.Single(await OffersAsync(cart.CustomerId!, campaignId))!;
        Assert.InRange(offer["issuedAt"]!.GetValue<DateTimeOffset>(), published.AddMinutes(59), published.AddMinutes(62));
        Assert.Equal(0, await PendingAsync(cart.CartId, campaignId));
    }

    [Fact]
    public async Task DelayedOffer_CartOrderedBeforeItIsDue_IsDropped_NoCodeIssued()
    {
        var campaignId = await OfferCampaignAsync(new JsonObject { ["delayMinutes"] = 60 });
        var cart = Abandoned(customerId: $"cust-{Guid.NewGuid():N}");
        var published = DateTimeOffset.UtcNow;
        await factory.PublishAsync(cart);
        await Eventually.UntilAsync(async () => await PendingAsync(cart.CartId, campaignId) == 1, because: "the offer is scheduled");

        var recovered = Recovered(cart);
        await factory.PublishAsync(recovered);
        await factory.PublishAsync(recovered); // redelivery: the inbox applies it once

        await Eventually.UntilAsync(async () => await PendingAsync(cart.CartId, campaignId) == 0, because: "the recovered cart's offer is dropped");
        var reportedAgain = cart with { EventId = Guid.CreateVersion7() }; // the recovery is remembered: no new offer for the cart
        await factory.PublishAsync(reportedAgain);
        await Eventually.UntilAsync(() => AbandonmentConsumedAsync(reportedAgain), because: "the second report is consumed");
        Assert.Equal(0, await PendingAsync(cart.CartId, campaignId));
        await IssueDueAtAsync(published.AddMinutes(61));
        Assert.Empty(await OffersAsync(cart.CustomerId!, campaignId));
    }

    [Fact]
    public async Task CartRecovered_ConsumedBeforeItsCartAbandoned_NoOfferScheduledOrIssued()
    {
        var campaignId = await OfferCampaignAsync();
        var cart = Abandoned(customerId: $"cust-{Guid.NewGuid():N}");
        await factory.PublishAsync(Recovered(cart));
        await Eventually.UntilAsync(() => RecoveryRecordedAsync(cart.CartId), because: "the recovery is consumed first");

        await factory.PublishAsync(cart);
        var control = Abandoned(customerId: $"cust-{Guid.NewGuid():N}");
        await factory.PublishAsync(control);

        await Eventually.UntilAsync(async () => (await OffersAsync(control.CustomerId!, campaignId)).Count == 1, because: "the control cart's offer is issued");
        await Eventually.UntilAsync(() => AbandonmentConsumedAsync(cart), because: "the recovered cart's abandonment is consumed");
        Assert.Equal(0, await PendingAsync(cart.CartId, campaignId));
        Assert.Empty(await OffersAsync(cart.CustomerId!, campaignId));
    }

    [Fact]
    public async Task CartRecovered_BeforeTheCartsLastActivity_DoesNotStopItsLaterAbandonment()
    {
        var campaignId = await OfferCampaignAsync();
        var cart = Abandoned(customerId: $"cust-{Guid.NewGuid():N}");
        await factory.PublishAsync(Recovered(cart) with { OccurredAt = cart.LastActivityAt.AddMinutes(-1) });
        await Eventually.UntilAsync(() => RecoveryRecordedAsync(cart.CartId), because: "the recovery is consumed first");

        await factory.PublishAsync(cart);

        await Eventually.UntilAsync(async () => (await OffersAsync(cart.CustomerId!, campaignId)).Count == 1,
            because: "an abandonment after the recorded order is a new one and gets its offer");
    }

    [Fact]
    public async Task CartAbandoned_OlderThanTheRecoveryRetention_NoOffer()
    {
        var campaignId = await OfferCampaignAsync();
        var abandonedAt = DateTimeOffset.UtcNow.AddDays(-9); // past the default retention (a week's delay plus a day)
        var stale = Abandoned(customerId: $"cust-{Guid.NewGuid():N}") with { OccurredAt = abandonedAt, LastActivityAt = abandonedAt.AddHours(-2) };
        await factory.PublishAsync(stale);
        var control = Abandoned(customerId: $"cust-{Guid.NewGuid():N}");
        await factory.PublishAsync(control);

        await Eventually.UntilAsync(async () => (await OffersAsync(control.CustomerId!, campaignId)).Count == 1, because: "the control cart's offer is issued");
        await Eventually.UntilAsync(() => AbandonmentConsumedAsync(stale), because: "the stale abandonment is consumed");
        Assert.Equal(0, await PendingAsync(stale.CartId, campaignId));
        Assert.Empty(await OffersAsync(stale.CustomerId!, campaignId));
    }

    [Fact]
    public async Task RecoveredCart_IsForgottenOnlyAfterItsRetention()
    {
        var cart = Abandoned(customerId: $"cust-{Guid.NewGuid():N}");
        await factory.PublishAsync(Recovered(cart));
        await Eventually.UntilAsync(() => RecoveryRecordedAsync(cart.CartId), because: "the recovery is recorded");
        var recordedAt = await factory.QueryDbAsync(db => db.RecoveredCarts.Where(recovered => recovered.CartId == cart.CartId)
            .Select(recovered => recovered.RecordedAt).SingleAsync(Ct));

        await PruneRecoveredCartsAtAsync(recordedAt.AddDays(7)); // within the default 8 days
        Assert.True(await RecoveryRecordedAsync(cart.CartId));

        await PruneRecoveredCartsAtAsync(recordedAt.AddDays(8).AddMinutes(1));
        Assert.False(await RecoveryRecordedAsync(cart.CartId));
    }

    [Fact]
    public async Task IssuedOffer_CartOrderedAfterwards_StaysTheShoppers()
    {
        var campaignId = await OfferCampaignAsync();
        var cart = Abandoned(customerId: $"cust-{Guid.NewGuid():N}");
        await factory.PublishAsync(cart);
        var offer = await Eventually.GetAsync(async () => (await OffersAsync(cart.CustomerId!, campaignId)).SingleOrDefault(), because: "the offer is issued");
        var consumed = await RecoveriesConsumedAsync();

        await factory.PublishAsync(Recovered(cart));
        await Eventually.UntilAsync(async () => await RecoveriesConsumedAsync() > consumed, because: "the recovery is consumed");

        Assert.Equal(offer["code"]!.GetValue<string>(), Assert.Single(await OffersAsync(cart.CustomerId!, campaignId))!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Pool_IssuesPreGeneratedCodes_ReplenishesOnceWhenLow_AndUnissuedCodesAreUnknownToShoppers()
    {
        var campaignId = await OfferCampaignAsync(new JsonObject { ["poolSize"] = 10, ["poolLowWatermark"] = 4 });
        await Eventually.UntilAsync(async () => (await PoolAsync(campaignId)).Number("available") == 10, because: "the pool is filled");
        var unissued = await factory.QueryDbAsync(db => db.Codes.Where(code => code.CampaignId == campaignId).Select(code => code.Code).FirstAsync(Ct));
        Assert.Equal("unknown", (await _storefront.ValidateAsync(Validation(unissued, Customer("anyone")))).Reason());

        var carts = Enumerable.Range(0, 8).Select(_ => Abandoned(customerId: $"cust-{Guid.NewGuid():N}")).ToList();
        foreach (var cart in carts)
        {
            await factory.PublishAsync(cart);
        }

        var offers = new List<JsonNode>();
        foreach (var cart in carts)
        {
            offers.Add(await Eventually.GetAsync(async () => (await OffersAsync(cart.CustomerId!, campaignId)).SingleOrDefault(), because: "each cart's offer is issued"));
        }

        foreach (var offer in offers)
        {
            var code = await (await _admin.GetAsync($"/api/coupons/codes/{offer["code"]!.GetValue<string>()}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
            Assert.Equal(CodeSources.Pool, code["source"]!.GetValue<string>());
        }

        Assert.Equal(8, offers.Select(offer => offer["code"]!.GetValue<string>()).Distinct().Count());
        // The refill tops up to the size as it stood when the pool ran low; codes issued while it ran are not refilled twice.
        await Eventually.UntilAsync(async () => (await PoolAsync(campaignId)) is var pool && pool.Number("available") >= 4 && !pool["replenishing"]!.GetValue<bool>(),
            because: "the pool is replenished above its low-water mark");
        var low = (await factory.OutboxEventsAsync("coupon-pool-low")).Where(node => node["campaignId"]!.GetValue<Guid>() == campaignId).ToList();
        var announced = Assert.Single(low);
        Assert.True(announced["available"]!.GetValue<int>() < 4);
        Assert.Equal(10 - announced["available"]!.GetValue<int>(), announced["replenishing"]!.GetValue<int>());
        var issued = offers[0]["code"]!.GetValue<string>();
        await _storefront.ReserveAndRedeemAsync(issued, Customer(carts[0].CustomerId!));
    }

    [Fact]
    public async Task OfferPool_OfACampaignWithoutOne_Returns404()
    {
        var campaignId = await OfferCampaignAsync();
        await (await _admin.GetAsync($"/api/coupons/campaigns/{campaignId}/offer-pool", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("delayMinutes", -1)]
    [InlineData("delayMinutes", 20_000)]
    [InlineData("poolSize", 0)]
    [InlineData("poolSize", 2_000_000)]
    [InlineData("poolLowWatermark", 10)]
    public async Task BadOfferPolicy_Returns400_AndCreatesNothing(string field, int value)
    {
        var before = await factory.QueryDbAsync(db => db.Campaigns.CountAsync(Ct));
        var policy = new JsonObject { ["enabled"] = true, ["poolSize"] = field == "poolLowWatermark" ? 10 : null, [field] = value };
        var body = new JsonObject { ["name"] = "bad", ["promotionId"] = Guid.NewGuid(), ["abandonedCart"] = policy };

        var problem = await (await _admin.PostAsJsonAsync("/api/coupons/campaigns", body, Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains($"\"abandonedCart.{field}\"", problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal(before, await factory.QueryDbAsync(db => db.Campaigns.CountAsync(Ct)));
    }

    private async Task<Guid> OfferCampaignAsync(JsonObject? policy = null)
    {
        var abandonedCart = new JsonObject { ["enabled"] = true, ["cooldownHours"] = 24 };
        foreach (var (name, value) in policy ?? [])
        {
            abandonedCart[name] = value?.DeepClone();
        }

        return await _admin.CreateCampaignAsync(new JsonObject { ["abandonedCart"] = abandonedCart });
    }

    private async Task<int> IssueDueAtAsync(DateTimeOffset now)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OfferService>().IssueDueAsync(now, 100, Ct);
    }

    private Task<int> PendingAsync(string cartId, Guid campaignId) =>
        factory.QueryDbAsync(db => db.PendingOffers.CountAsync(offer => offer.CartId == cartId && offer.CampaignId == campaignId, Ct));

    private async Task<JsonObject> PoolAsync(Guid campaignId) =>
        await (await _admin.GetAsync($"/api/coupons/campaigns/{campaignId}/offer-pool", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

    private async Task<List<JsonNode?>> OffersAsync(string customer, Guid? campaignId = null) =>
        [.. (await (await _storefront.GetAsync($"/api/coupons/customers/{Uri.EscapeDataString(customer)}/offers", Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.OK))["offers"]!.AsArray()
            .Where(offer => campaignId is null || offer!["campaignId"]!.GetValue<Guid>() == campaignId)];

    private async Task PruneRecoveredCartsAtAsync(DateTimeOffset now)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<OfferService>().PruneRecoveredCartsAsync(now, Ct);
    }

    private Task<bool> RecoveryRecordedAsync(string cartId) =>
        factory.QueryDbAsync(db => db.RecoveredCarts.AnyAsync(recovered => recovered.CartId == cartId, Ct));

    private Task<bool> AbandonmentConsumedAsync(CartAbandoned cart) =>
        factory.QueryDbAsync(db => db.Set<InboxMessage>().AnyAsync(
            message => message.MessageId == cart.EventId && message.Consumer == nameof(IssueAbandonedCartOfferConsumer), Ct));

    private Task<int> RecoveriesConsumedAsync() =>
        factory.QueryDbAsync(db => db.Set<InboxMessage>().CountAsync(message => message.Consumer == nameof(DropRecoveredCartOffersConsumer), Ct));

    private static CartRecovered Recovered(CartAbandoned cart) => new()
    {
        EventId = Guid.CreateVersion7(),
        OccurredAt = DateTimeOffset.UtcNow,
        CartId = cart.CartId,
        OrderId = $"order-{Guid.NewGuid():N}",
        VisitorId = cart.VisitorId,
        CustomerId = cart.CustomerId,
        Email = cart.Email,
    };

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
