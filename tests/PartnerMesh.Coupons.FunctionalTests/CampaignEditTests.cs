using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerMesh.Contracts.Analytics;
using PartnerMesh.Coupons.Api.IntegrationEvents;
using PartnerMesh.Coupons.Api.Offers;
using PartnerMesh.Data;
using PartnerMesh.Outbox;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Coupons.FunctionalTests.CouponsTestClient;

namespace PartnerMesh.Coupons.FunctionalTests;

/// <summary>
/// <c>PUT /api/coupons/campaigns/{id}</c>: the name, the validity window (ended now: its codes answer <c>expired</c>, a
/// reservation held before still redeems, validates for its checkout and is answered again to it; dates are kept in whole
/// microseconds) and the abandoned-cart offer policy (switched off: pending offers are dropped,
/// new abandonments get none) are editable; the fields fixed at creation are refused when sent changed; <c>If-Match</c>
/// with the ETag read is required, so of two edits from one read one wins and the other gets 412.
/// </summary>
public sealed class CampaignEditTests(CouponsApiFactory factory) : IClassFixture<CouponsApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();
    private readonly HttpClient _storefront = factory.Storefront();

    [Fact]
    public async Task Update_NameAndWindow_AnswersTheCampaignAsGetDoes_WithTheNextVersion()
    {
        var campaignId = await _admin.CreateCampaignAsync(new JsonObject
        {
            ["startsAt"] = "2027-03-01T00:00:00Z", ["endsAt"] = "2027-04-01T00:00:00Z", ["maxUses"] = 100, ["currency"] = "EUR",
        });
        var (read, etag) = await GetAsync(campaignId);
        Assert.Equal("\"1\"", etag);
        Assert.Equal(1, read.Number("version"));
        read["name"] = "Spring (extended)";
        read["endsAt"] = "2027-05-01T00:00:00+02:00";

        var response = await PutAsync(campaignId, read, etag);

        var updated = await response.ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal("\"2\"", response.Headers.ETag?.ToString());
        Assert.Equal("Spring (extended)", updated["name"]!.GetValue<string>());
        Assert.Equal(new DateTimeOffset(2027, 4, 30, 22, 0, 0, TimeSpan.Zero), updated["endsAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(2, updated.Number("version"));
        Assert.Equal(100, updated.Number("maxUses")); // fixed fields sent as read are kept
        var (again, etagAgain) = await GetAsync(campaignId);
        Assert.Equal("\"2\"", etagAgain);
        Assert.True(JsonNode.DeepEquals(updated, again), $"{updated} != {again}");
    }

    [Fact]
    public async Task Update_EndBeforeStart_Returns400NamingEndsAt()
    {
        var campaignId = await _admin.CreateCampaignAsync();
        var (read, etag) = await GetAsync(campaignId);
        read["startsAt"] = "2027-04-01T00:00:00Z";
        read["endsAt"] = "2027-03-01T00:00:00Z";

        var problem = await (await PutAsync(campaignId, read, etag)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("endsAt", problem.Extensions["errors"]!.ToString()!, StringComparison.Ordinal);
        Assert.Equal(1, (await GetAsync(campaignId)).Campaign.Number("version"));
    }

    [Fact]
    public async Task EndNow_CodesAnswerExpired_AHeldReservationStillRedeems()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["endsAt"] = DateTimeOffset.UtcNow.AddDays(30) });
        var shopper = Customer($"cust-{Guid.NewGuid():N}");
        await factory.CodeCacheInUseAsync();
        Assert.True((await _storefront.ValidateAsync(Validation(code, shopper)))["valid"]!.GetValue<bool>()); // cached now
        var held = await _storefront.ReserveOkAsync(code, shopper);
        var (read, etag) = await GetAsync(campaignId);
        read["endsAt"] = DateTimeOffset.UtcNow;

        await (await PutAsync(campaignId, read, etag)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        var validation = await _storefront.ValidateAsync(Validation(code, shopper));
        Assert.False(validation["valid"]!.GetValue<bool>());
        Assert.Equal("expired", validation["reason"]!.GetValue<string>());
        var another = await _storefront.ReserveAsync(Reservation(code, Customer($"cust-{Guid.NewGuid():N}")));
        Assert.Equal("expired", await another.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        var redeemed = await _storefront.RedeemAsync(Redemption(code, $"order-{Guid.NewGuid():N}", held, shopper));
        await redeemed.ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("ended", "expired")]
    [InlineData("started later", "not_started")]
    [InlineData("rotated", "retired")]
    public async Task AHeldCheckout_AfterItsCodeChanged_StillValidatesAndReservesForThatCheckout(string change, string reason)
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["endsAt"] = DateTimeOffset.UtcNow.AddDays(30), ["maxUses"] = 5 });
        var shopper = Customer($"cust-{Guid.NewGuid():N}");
        var checkoutId = $"checkout-{Guid.NewGuid():N}";
        var held = (await (await _storefront.ReserveAsync(Reservation(code, shopper, checkoutId: checkoutId))).ShouldBeAsync<JsonObject>(HttpStatusCode.Created))
            ["reservationId"]!.GetValue<Guid>();
        if (change == "rotated")
        {
            await (await _admin.PostAsJsonAsync($"/api/coupons/codes/{code}/rotation", new JsonObject(), Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        }
        else
        {
            var (read, etag) = await GetAsync(campaignId);
            read[change == "ended" ? "endsAt" : "startsAt"] = change == "ended" ? DateTimeOffset.UtcNow : DateTimeOffset.UtcNow.AddDays(10);
            await (await PutAsync(campaignId, read, etag)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        }

        var orderId = $"order-{Guid.NewGuid():N}";
        // As promotions asks when it verifies the order: the quote's checkout and the order.
        var forTheOrder = Validation(code, shopper);
        forTheOrder["checkoutId"] = checkoutId;
        forTheOrder["orderId"] = orderId;
        var forOtherCheckout = Validation(code, shopper);
        forOtherCheckout["checkoutId"] = $"checkout-{Guid.NewGuid():N}";
        var forOtherShopper = Validation(code, Customer($"other-{Guid.NewGuid():N}"));
        forOtherShopper["checkoutId"] = checkoutId;
        var validation = await _storefront.ValidateAsync(forTheOrder);
        Assert.True(validation["valid"]!.GetValue<bool>(), validation.ToJsonString());
        Assert.Equal(reason, (await _storefront.ValidateAsync(Validation(code, shopper))).Reason());
        Assert.Equal(reason, (await _storefront.ValidateAsync(forOtherCheckout)).Reason());
        Assert.Equal(reason, (await _storefront.ValidateAsync(forOtherShopper)).Reason());

        var retry = await (await _storefront.ReserveAsync(Reservation(code, shopper, checkoutId: checkoutId))).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal(held, retry["reservationId"]!.GetValue<Guid>());
        Assert.Equal(reason, await (await _storefront.ReserveAsync(Reservation(code, shopper, checkoutId: $"checkout-{Guid.NewGuid():N}")))
            .ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        await (await _storefront.RedeemAsync(Redemption(code, orderId, held, shopper))).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var forRedeemedOrder = Validation(code, shopper);
        forRedeemedOrder["orderId"] = orderId;
        Assert.True((await _storefront.ValidateAsync(forRedeemedOrder))["valid"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Create_WindowOfSubMicrosecondTicks_IsReadAsStored_EmptyIs400NamingEndsAt()
    {
        var empty = new JsonObject
        {
            ["name"] = "Ticks", ["promotionId"] = Guid.NewGuid(), ["startsAt"] = "2026-06-01T00:00:00.0000001Z", ["endsAt"] = "2026-06-01T00:00:00.0000004Z",
        };
        var problem = await (await _admin.PostAsJsonAsync("/api/coupons/campaigns", empty, Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("endsAt", problem.Extensions["errors"]!.ToString()!, StringComparison.Ordinal);

        var created = await (await _admin.PostAsJsonAsync("/api/coupons/campaigns",
                new JsonObject
                {
                    ["name"] = "Ticks", ["promotionId"] = Guid.NewGuid(), ["startsAt"] = "2026-06-01T00:00:00.0000019+02:00",
                    ["endsAt"] = "2026-06-01T00:00:00.0000029Z",
                }, Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        Assert.Equal(new DateTimeOffset(2026, 5, 31, 22, 0, 0, TimeSpan.Zero).AddTicks(10), created["startsAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(20), created["endsAt"]!.GetValue<DateTimeOffset>());
        Assert.True(JsonNode.DeepEquals(created, (await GetAsync(created["id"]!.GetValue<Guid>())).Campaign));
    }

    [Fact]
    public async Task Update_WindowOfSubMicrosecondTicks_EmptyAsStored_Returns400NamingEndsAt()
    {
        var campaignId = await _admin.CreateCampaignAsync();
        var (read, etag) = await GetAsync(campaignId);
        read["startsAt"] = "2026-06-01T00:00:00.0000001Z";
        read["endsAt"] = "2026-06-01T00:00:00.0000004Z";

        var problem = await (await PutAsync(campaignId, read, etag)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("endsAt", problem.Extensions["errors"]!.ToString()!, StringComparison.Ordinal);
        read["endsAt"] = "2026-06-01T00:00:00.0000014Z";
        var updated = await (await PutAsync(campaignId, read, etag)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero), updated["startsAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(10), updated["endsAt"]!.GetValue<DateTimeOffset>());
        Assert.True(JsonNode.DeepEquals(updated, (await GetAsync(campaignId)).Campaign));
    }

    [Fact]
    public async Task SwitchOffersOff_APendingOfferIsDropped_ANewAbandonmentGetsNone()
    {
        var campaignId = await _admin.CreateCampaignAsync(new JsonObject
        {
            ["abandonedCart"] = new JsonObject { ["enabled"] = true, ["cooldownHours"] = 24, ["delayMinutes"] = 60 },
        });
        var pending = Abandoned();
        await factory.PublishAsync(pending);
        await Eventually.UntilAsync(async () => await PendingAsync(pending.CartId, campaignId) == 1, because: "the delayed offer is scheduled");
        var (read, etag) = await GetAsync(campaignId);
        read["abandonedCart"] = null;

        var updated = await (await PutAsync(campaignId, read, etag)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        Assert.False(updated["abandonedCart"]!["enabled"]!.GetValue<bool>());
        await IssueDueAtAsync(DateTimeOffset.UtcNow.AddHours(2));
        Assert.Equal(0, await PendingAsync(pending.CartId, campaignId));
        Assert.Empty(await OffersAsync(pending.CustomerId!, campaignId));
        var later = Abandoned();
        await factory.PublishAsync(later);
        await Eventually.UntilAsync(() => AbandonmentConsumedAsync(later), because: "the later abandonment is consumed");
        Assert.Equal(0, await PendingAsync(later.CartId, campaignId));
        Assert.Empty(await OffersAsync(later.CustomerId!, campaignId));
    }

    [Fact]
    public async Task IssuedOffer_ListedUntilItsCampaignEnds_ItsExpiryNeverAfterTheEnd()
    {
        var campaignId = await _admin.CreateCampaignAsync(new JsonObject
        {
            ["abandonedCart"] = new JsonObject { ["enabled"] = true, ["cooldownHours"] = 24, ["expiresAfterHours"] = 72 },
        });
        var cart = Abandoned();
        await factory.PublishAsync(cart);
        await Eventually.UntilAsync(async () => (await OffersAsync(cart.CustomerId!, campaignId)).Count == 1, because: "the offer is issued");
        var (read, etag) = await GetAsync(campaignId);
        var endsAt = StorageTime.Truncate(DateTimeOffset.UtcNow.AddHours(1));
        read["endsAt"] = endsAt;
        await (await PutAsync(campaignId, read, etag)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        var listed = Assert.Single(await OffersAsync(cart.CustomerId!, campaignId));
        Assert.Equal(endsAt, listed!["expiresAt"]!.GetValue<DateTimeOffset>());

        (read, etag) = await GetAsync(campaignId);
        read["endsAt"] = DateTimeOffset.UtcNow;
        await (await PutAsync(campaignId, read, etag)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Empty(await OffersAsync(cart.CustomerId!, campaignId));
    }

    [Fact]
    public async Task DisableOffers_WithEnabledFalse_DropsAPendingOffer()
    {
        var campaignId = await _admin.CreateCampaignAsync(new JsonObject
        {
            ["abandonedCart"] = new JsonObject { ["enabled"] = true, ["cooldownHours"] = 24, ["delayMinutes"] = 60 },
        });
        var pending = Abandoned();
        await factory.PublishAsync(pending);
        await Eventually.UntilAsync(async () => await PendingAsync(pending.CartId, campaignId) == 1, because: "the delayed offer is scheduled");
        var (read, etag) = await GetAsync(campaignId);
        read["abandonedCart"]!["enabled"] = false;

        var updated = await (await PutAsync(campaignId, read, etag)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        Assert.Equal(60, updated["abandonedCart"]!.AsObject().Number("delayMinutes")); // the rest of the policy is kept as sent
        await IssueDueAtAsync(DateTimeOffset.UtcNow.AddHours(2));
        Assert.Equal(0, await PendingAsync(pending.CartId, campaignId));
        Assert.Empty(await OffersAsync(pending.CustomerId!, campaignId));
    }

    [Theory]
    [InlineData("promotionId")]
    [InlineData("maxUses")]
    [InlineData("currency")]
    [InlineData("partnerIds")]
    [InlineData("stackable")]
    [InlineData("abandonedCart.poolSize")]
    public async Task Update_FixedFieldChanged_Returns400NamingIt_NothingChanges(string field)
    {
        var campaignId = await _admin.CreateCampaignAsync(new JsonObject { ["maxUses"] = 10, ["currency"] = "EUR" });
        var (read, etag) = await GetAsync(campaignId);
        read["name"] = "renamed";
        switch (field)
        {
            case "promotionId": read["promotionId"] = Guid.NewGuid(); break;
            case "maxUses": read["maxUses"] = 11; break;
            case "currency": read["currency"] = "USD"; break;
            case "partnerIds": read["partnerIds"] = new JsonArray(Guid.NewGuid()); break;
            case "stackable": read["stackable"] = true; break;
            default: read["abandonedCart"]!["poolSize"] = 100; break;
        }

        var problem = await (await PutAsync(campaignId, read, etag)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        var errors = problem.Extensions["errors"]!.ToString()!;
        Assert.Contains($"\"{field}\"", errors, StringComparison.Ordinal);
        Assert.Contains("cannot change", errors, StringComparison.Ordinal);
        var (after, _) = await GetAsync(campaignId);
        Assert.Equal("test campaign", after["name"]!.GetValue<string>());
        Assert.Equal(1, after.Number("version"));
    }

    [Fact]
    public async Task Update_UnknownCampaign_Returns404()
    {
        var response = await PutAsync(Guid.NewGuid(), new JsonObject { ["name"] = "nobody's" }, "\"1\"");

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Update_WithoutIfMatch_Returns428_NothingChanges()
    {
        var campaignId = await _admin.CreateCampaignAsync();

        var response = await PutAsync(campaignId, new JsonObject { ["name"] = "blind edit" }, ifMatch: null);

        Assert.Equal("if_match_required", await response.ShouldBeRefusedAsync(HttpStatusCode.PreconditionRequired));
        Assert.Equal("test campaign", (await GetAsync(campaignId)).Campaign["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task ConcurrentEdits_FromOneRead_OneWins_TheOtherGets412()
    {
        var campaignId = await _admin.CreateCampaignAsync();
        var (read, etag) = await GetAsync(campaignId);
        var first = read.DeepClone().AsObject();
        first["name"] = "first";
        var second = read.DeepClone().AsObject();
        second["name"] = "second";

        var responses = await Task.WhenAll(PutAsync(campaignId, first, etag), PutAsync(campaignId, second, etag));

        Assert.Equal(new[] { HttpStatusCode.OK, HttpStatusCode.PreconditionFailed }, responses.Select(response => response.StatusCode).Order());
        var winner = responses.Single(response => response.IsSuccessStatusCode);
        var loser = responses.Single(response => !response.IsSuccessStatusCode);
        Assert.Equal("campaign_changed", await loser.ShouldBeRefusedAsync(HttpStatusCode.PreconditionFailed));
        Assert.Equal("\"2\"", loser.Headers.ETag?.ToString());
        var won = (await winner.ShouldBeAsync<JsonObject>(HttpStatusCode.OK))["name"]!.GetValue<string>();
        Assert.Equal(won, (await GetAsync(campaignId)).Campaign["name"]!.GetValue<string>());
    }

    private async Task<(JsonObject Campaign, string ETag)> GetAsync(Guid campaignId)
    {
        var response = await _admin.GetAsync($"/api/coupons/campaigns/{campaignId}", Ct);
        var campaign = await response.ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        return (campaign, response.Headers.ETag!.ToString());
    }

    private Task<HttpResponseMessage> PutAsync(Guid campaignId, JsonObject body, string? ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/coupons/campaigns/{campaignId}") { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(ifMatch));
        }

        return _admin.SendAsync(request, Ct);
    }

    private async Task<int> IssueDueAtAsync(DateTimeOffset now)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OfferService>().IssueDueAsync(now, 100, Ct);
    }

    private Task<int> PendingAsync(string cartId, Guid campaignId) =>
        factory.QueryDbAsync(db => db.PendingOffers.CountAsync(offer => offer.CartId == cartId && offer.CampaignId == campaignId, Ct));

    private async Task<List<JsonNode?>> OffersAsync(string customer, Guid campaignId) =>
        [.. (await (await _storefront.GetAsync($"/api/coupons/customers/{Uri.EscapeDataString(customer)}/offers", Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.OK))["offers"]!.AsArray()
            .Where(offer => offer!["campaignId"]!.GetValue<Guid>() == campaignId)];

    private Task<bool> AbandonmentConsumedAsync(CartAbandoned cart) =>
        factory.QueryDbAsync(db => db.Set<InboxMessage>().AnyAsync(
            message => message.MessageId == cart.EventId && message.Consumer == nameof(IssueAbandonedCartOfferConsumer), Ct));

    private static CartAbandoned Abandoned() => new()
    {
        EventId = Guid.CreateVersion7(),
        OccurredAt = DateTimeOffset.UtcNow,
        CartId = $"cart-{Guid.NewGuid():N}",
        VisitorId = $"v-{Guid.NewGuid():N}",
        CustomerId = $"cust-{Guid.NewGuid():N}",
        CartTotal = 80m,
        Currency = "EUR",
        LastActivityAt = DateTimeOffset.UtcNow.AddHours(-2),
    };
}
