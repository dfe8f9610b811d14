using System.Net;
using System.Text.Json.Nodes;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Coupons.FunctionalTests.CouponsTestClient;

namespace PartnerMesh.Coupons.FunctionalTests;

/// <summary>
/// A partner that attribution reports not active (<c>PartnerStatusChanged</c>: suspended, pending, invited) has codes
/// that validate and reserve as <c>partner_inactive</c>; a reservation taken before still redeems (and validates and is answered
/// again for its checkout); active again → usable.
/// </summary>
public sealed class PartnerStandingTests(CouponsApiFactory factory) : IClassFixture<CouponsApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();
    private readonly HttpClient _storefront = factory.Storefront();

    [Theory]
    [InlineData("suspended")]
    [InlineData("pending")]
    [InlineData("invited")]
    public async Task Code_OfPartnerNotActive_RefusedPartnerInactive_HeldReservationRedeems_ActiveAgainUsable(string status)
    {
        var owner = Guid.NewGuid();
        await factory.PublishAsync(TestEvents.PartnerRegistered(owner));
        var (_, code) = await _admin.CampaignWithCodeAsync(partnerId: owner);
        await factory.CodeCacheInUseAsync();
        Assert.True((await _storefront.ValidateAsync(Validation(code)))["valid"]!.GetValue<bool>()); // cached now
        var checkoutId = $"checkout-{Guid.NewGuid():N}";
        var held = (await (await _storefront.ReserveAsync(Reservation(code, checkoutId: checkoutId))).ShouldBeAsync<JsonObject>(HttpStatusCode.Created))
            ["reservationId"]!.GetValue<Guid>();

        await factory.PublishAsync(TestEvents.PartnerStatusChanged(owner, status));
        var refused = await Eventually.GetAsync(async () =>
            await _storefront.ValidateAsync(Validation(code)) is { } answer && answer.Reason() == "partner_inactive" ? answer : null);
        Assert.False(refused["valid"]!.GetValue<bool>());
        Assert.Contains(status, refused["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("partner_inactive", await (await _storefront.ReserveAsync(Reservation(code))).ShouldBeRefusedAsync(HttpStatusCode.Conflict));

        // The shopper already holding the code at checkout keeps it: for that checkout it validates, and a retry gets the hold back.
        var forCheckout = Validation(code);
        forCheckout["checkoutId"] = checkoutId;
        Assert.True((await _storefront.ValidateAsync(forCheckout))["valid"]!.GetValue<bool>());
        var retry = await (await _storefront.ReserveAsync(Reservation(code, checkoutId: checkoutId))).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal(held, retry["reservationId"]!.GetValue<Guid>());
        var redeemed = await (await _storefront.RedeemAsync(Redemption(code, $"order-{Guid.NewGuid():N}", held))).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        Assert.Equal(owner, redeemed["partnerId"]!.GetValue<Guid>());

        await factory.PublishAsync(TestEvents.PartnerStatusChanged(owner, "active"));
        await Eventually.UntilAsync(async () => (await _storefront.ValidateAsync(Validation(code)))["valid"]!.GetValue<bool>());
        await _storefront.ReserveOkAsync(code);
    }

    [Fact]
    public async Task Code_OfPartnerSuspended_RedeemedWithoutReservation_RefusedPartnerInactive_AnOlderActiveChangeDoesNotUndoIt()
    {
        var owner = Guid.NewGuid();
        var (_, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["requireReservation"] = false }, partnerId: owner);
        var suspendedAt = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        await factory.PublishAsync(TestEvents.PartnerStatusChanged(owner, "suspended", suspendedAt));
        await Eventually.UntilAsync(async () => (await _storefront.ValidateAsync(Validation(code))).Reason() == "partner_inactive");

        // Arrives late: the suspension is newer and stands.
        await factory.PublishAsync(TestEvents.PartnerStatusChanged(owner, "active", suspendedAt.AddMinutes(-1)));
        var marker = Guid.NewGuid();
        await factory.PublishAsync(TestEvents.PartnerStatusChanged(marker, "suspended"));
        var (_, markerCode) = await _admin.CampaignWithCodeAsync(partnerId: marker);
        await Eventually.UntilAsync(async () => (await _storefront.ValidateAsync(Validation(markerCode))).Reason() == "partner_inactive");

        Assert.Equal("partner_inactive", (await _storefront.ValidateAsync(Validation(code))).Reason());
        Assert.Equal("partner_inactive",
            await (await _storefront.RedeemAsync(Redemption(code, $"order-{Guid.NewGuid():N}", null))).ShouldBeRefusedAsync(HttpStatusCode.Conflict));
    }
}
