using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Contracts.Analytics;
using PartnerMesh.Coupons.Api.Checkout;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Coupons.FunctionalTests.CouponsTestClient;

namespace PartnerMesh.Coupons.FunctionalTests;

/// <summary>
/// A hold past its expiry is not a use, from its expiry on: validation, statistics, a code's uses and the offers list
/// count it as released before the sweeper gives it back, as reservations already do. The sweeper runs only hourly here,
/// so every expired hold in these tests is still <c>held</c> in the database.
/// </summary>
public sealed class ExpiredHoldTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly CouponsApiFactory _factory = new() { ReservationSweepInterval = TimeSpan.FromHours(1) };
    private HttpClient _admin = null!;
    private HttpClient _storefront = null!;

    public async ValueTask InitializeAsync()
    {
        await _factory.InitializeAsync();
        _admin = _factory.Admin();
        _storefront = _factory.Storefront();
    }

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    [Fact]
    public async Task ExpiredHold_NotYetSwept_ValidationStatsAndCodeCountItReleased()
    {
        var campaignId = await _admin.CreateCampaignAsync(new JsonObject { ["maxUses"] = 1, ["maxUsesPerCustomer"] = 1 });
        var code = await _admin.CreateCodeAsync(campaignId, maxUses: 1);
        var shopper = Guest($"hold-{Guid.NewGuid():N}@example.com");
        var expired = await _storefront.ReserveOkAsync(code, shopper);
        Assert.Equal("exhausted", (await _storefront.ValidateAsync(Validation(code, shopper))).Reason());

        await ExpireAsync(expired);

        Assert.True((await _storefront.ValidateAsync(Validation(code, shopper)))["valid"]!.GetValue<bool>());
        var stats = await _admin.StatsAsync(campaignId);
        Assert.Equal((0, 0, 1, 1), (stats.Number("uses"), stats.Number("held"), stats.Number("released"), stats.Number("remaining")));
        Assert.Equal(0, (await CodeAsync(code)).Number("uses"));
        Assert.Equal(ReservationStatuses.Held, await StatusOfAsync(expired));

        await _storefront.ReserveOkAsync(code, shopper);
        var after = await _admin.StatsAsync(campaignId);
        Assert.Equal((1, 1, 1, 0), (after.Number("uses"), after.Number("held"), after.Number("released"), after.Number("remaining")));
        Assert.Equal("exhausted", (await _storefront.ValidateAsync(Validation(code, shopper))).Reason());
        Assert.Equal(1, (await CodeAsync(code)).Number("uses"));
    }

    [Fact]
    public async Task ExpiredHoldOfAPersonalCode_NotYetSwept_OfferListedAgain()
    {
        var campaignId = await _admin.CreateCampaignAsync(new JsonObject { ["abandonedCart"] = new JsonObject { ["enabled"] = true } });
        var email = $"offer-hold-{Guid.NewGuid():N}@example.com";
        await _factory.PublishAsync(new CartAbandoned
        {
            EventId = Guid.CreateVersion7(),
            OccurredAt = DateTimeOffset.UtcNow,
            CartId = $"cart-{Guid.NewGuid():N}",
            VisitorId = $"v-{Guid.NewGuid():N}",
            Email = email,
            CartTotal = 80m,
            Currency = "EUR",
            LastActivityAt = DateTimeOffset.UtcNow.AddHours(-2),
        });
        var code = await Eventually.GetAsync(() => OfferCodeAsync(email, campaignId), because: "the offer is issued");
        var hold = await _storefront.ReserveOkAsync(code, Guest(email));
        Assert.Null(await OfferCodeAsync(email, campaignId));

        await ExpireAsync(hold);

        Assert.Equal(code, await OfferCodeAsync(email, campaignId));
        Assert.Equal(ReservationStatuses.Held, await StatusOfAsync(hold));
    }

    [Fact]
    public async Task Reserve_SeveralAtOnceByEachShopperWhoseHoldsExpired_EveryShopperGetsEveryUseBack()
    {
        // Requests of one shopper arriving together race to give the same expired holds back: the one that loses must
        // still see the uses come back, and never be refused on the counters it read before. Rounds make the race likely.
        const int Guests = 20, PerCustomer = 2, AttemptsEach = 4;
        for (var round = 0; round < 3; round++)
        {
            var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUsesPerCustomer"] = PerCustomer });
            var guests = Enumerable.Range(0, Guests).Select(index => $"again-{round}-{index}-{Guid.NewGuid():N}@example.com").ToArray();
            foreach (var guest in guests)
            {
                for (var hold = 0; hold < PerCustomer; hold++)
                {
                    await _storefront.ReserveOkAsync(code, Guest(guest));
                }
            }

            await ExpireCampaignAsync(campaignId);
            var answers = await Task.WhenAll(guests.SelectMany(guest => Enumerable.Range(0, AttemptsEach).Select(async _ =>
            {
                var response = await _storefront.ReserveAsync(Reservation(code, Guest(guest)));
                return (Guest: guest, Reason: response.StatusCode == HttpStatusCode.Created ? null : await response.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
            })));

            Assert.All(guests, guest => Assert.Equal(PerCustomer, answers.Count(answer => answer.Guest == guest && answer.Reason is null)));
            Assert.All(answers.Where(answer => answer.Reason is not null), answer => Assert.Equal("customer_limit_reached", answer.Reason));
            var stats = await _admin.StatsAsync(campaignId);
            Assert.Equal((Guests * PerCustomer, Guests * PerCustomer), (stats.Number("uses"), stats.Number("held")));
        }
    }

    [Fact]
    public async Task Reserve_StormOnACodeFullOfExpiredHolds_EveryFreedUseGrantedAndNoMore()
    {
        const int MaxUses = 20;
        for (var round = 0; round < 3; round++)
        {
            var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUses"] = MaxUses });
            for (var hold = 0; hold < MaxUses; hold++)
            {
                await _storefront.ReserveOkAsync(code, Guest($"filler-{hold}-{Guid.NewGuid():N}@example.com"));
            }

            await ExpireCampaignAsync(campaignId);
            var responses = await Task.WhenAll(Enumerable.Range(0, 4 * MaxUses).Select(index =>
                _storefront.ReserveAsync(Reservation(code, Guest($"storm-{index}-{Guid.NewGuid():N}@example.com")))));

            Assert.Equal(MaxUses, responses.Count(response => response.StatusCode == HttpStatusCode.Created));
            foreach (var refused in responses.Where(response => response.StatusCode != HttpStatusCode.Created))
            {
                Assert.Equal("exhausted", await refused.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
            }

            Assert.Equal(MaxUses, (await _admin.StatsAsync(campaignId)).Number("held"));
        }
    }

    private async Task<string?> OfferCodeAsync(string customer, Guid campaignId)
    {
        var response = await (await _storefront.GetAsync($"/api/coupons/customers/{Uri.EscapeDataString(customer)}/offers", Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        return response["offers"]!.AsArray().FirstOrDefault(offer => offer!["campaignId"]!.GetValue<Guid>() == campaignId)?["code"]!.GetValue<string>();
    }

    private async Task<JsonObject> CodeAsync(string code) =>
        await (await _admin.GetAsync($"/api/coupons/codes/{code}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

    private Task<int> ExpireAsync(Guid reservationId) =>
        _factory.QueryDbAsync(db => db.Database.ExecuteSqlAsync(
            $"UPDATE coupon_reservations SET expires_at = now() - interval '1 second' WHERE id = {reservationId}", Ct));

    private Task<int> ExpireCampaignAsync(Guid campaignId) =>
        _factory.QueryDbAsync(db => db.Database.ExecuteSqlAsync(
            $"UPDATE coupon_reservations SET expires_at = now() - interval '1 second' WHERE campaign_id = {campaignId} AND status = 'held'", Ct));

    private Task<string> StatusOfAsync(Guid reservationId) =>
        _factory.QueryDbAsync(db => db.Reservations.Where(reservation => reservation.Id == reservationId).Select(reservation => reservation.Status).SingleAsync(Ct));
}
