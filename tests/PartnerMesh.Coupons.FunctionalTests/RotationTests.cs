using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using PartnerMesh.Coupons.Api.Checkout;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Coupons.FunctionalTests.CouponsTestClient;

namespace PartnerMesh.Coupons.FunctionalTests;

/// <summary>
/// A leaked partner code is rotated: the old code stops working (<c>retired</c>), the partner gets a new one — also for
/// uses already in flight when it is retired: the retirement is checked under the lock that takes the use.
/// </summary>
public sealed class RotationTests(CouponsApiFactory factory) : IClassFixture<CouponsApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();
    private readonly HttpClient _storefront = factory.Storefront();

    [Fact]
    public async Task Rotate_PartnerCode_OldRetiredNewValidForTheSamePartner_HeldReservationStillRedeems()
    {
        var owner = Guid.NewGuid();
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(partnerId: owner);
        var held = await _storefront.ReserveOkAsync(code);

        var rotation = await (await _admin.PostAsJsonAsync($"/api/coupons/codes/{code.ToLowerInvariant()}/rotation", new JsonObject(), Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        var replacement = rotation["replacement"]!["code"]!.GetValue<string>();
        Assert.NotEqual(code, replacement);
        Assert.Equal(owner, rotation["replacement"]!["partnerId"]!.GetValue<Guid>());
        Assert.Equal(campaignId, rotation["replacement"]!["campaignId"]!.GetValue<Guid>());
        Assert.NotNull(rotation["retired"]!["retiredAt"]);
        Assert.Equal("retired", (await _storefront.ValidateAsync(Validation(code))).Reason());
        Assert.Equal("retired", await (await _storefront.ReserveAsync(Reservation(code))).ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        var valid = await _storefront.ValidateAsync(Validation(replacement));
        Assert.True(valid["valid"]!.GetValue<bool>());
        Assert.Equal(owner, valid["partnerId"]!.GetValue<Guid>());
        await (await _storefront.RedeemAsync(Redemption(code, "order-rotated", held))).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Rotate_Twice_Returns409Retired_UnknownReturns404_ChosenReplacementTakenReturns409CodeExists()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync();
        var taken = await _admin.CreateCodeAsync(campaignId);

        Assert.Equal("code_exists",
            await (await _admin.PostAsJsonAsync($"/api/coupons/codes/{code}/rotation", new JsonObject { ["code"] = taken }, Ct)).ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        var chosen = UniqueCode("NEW");
        var rotation = await (await _admin.PostAsJsonAsync($"/api/coupons/codes/{code}/rotation", new JsonObject { ["code"] = chosen.ToLowerInvariant() }, Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        Assert.Equal(chosen, rotation["replacement"]!["code"]!.GetValue<string>());
        var again = await _admin.PostAsJsonAsync($"/api/coupons/codes/{code}/rotation", new JsonObject(), Ct);
        Assert.Equal("retired", await again.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        await (await _admin.PostAsJsonAsync($"/api/coupons/codes/{UniqueCode("NONE")}/rotation", new JsonObject(), Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await _admin.PostAsJsonAsync($"/api/coupons/codes/{code}/rotation", new JsonObject { ["code"] = "SPRІNG" }, Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await _storefront.PostAsJsonAsync($"/api/coupons/codes/{code}/rotation", new JsonObject(), Ct)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task AutoRotation_ConcurrentLeakedRedemptions_OnlyUpToRotateAfterAccepted_TheRestRetired()
    {
        var owner = Guid.NewGuid();
        var settings = new JsonObject { ["requireReservation"] = false, ["leaks"] = new JsonObject { ["autoRotate"] = true, ["rotateAfter"] = 2 } };
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(settings, partnerId: owner);
        var otherPartner = Guid.NewGuid();

        var responses = await Task.WhenAll(Enumerable.Range(0, 30).Select(index =>
            _storefront.RedeemAsync(Redemption(code, $"order-leak-{index}-{Guid.NewGuid():N}", null, partnerId: otherPartner))));

        Assert.Equal(2, responses.Count(response => response.StatusCode == HttpStatusCode.Created));
        foreach (var refused in responses.Where(response => response.StatusCode != HttpStatusCode.Created))
        {
            Assert.Equal("retired", await refused.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        }

        var stats = await _admin.StatsAsync(campaignId);
        Assert.Equal((2, 2, 2), (stats.Number("uses"), stats.Number("redeemed"), stats.Number("leakSuspected")));
    }

    [Fact]
    public async Task AutoRotation_ConcurrentLeakedRedemptionsWithReservations_AllRedeemed_CodeRotatedOnce()
    {
        // Reservations are redeemed on a retired code too: none may fail, and the threshold is crossed once, by one of them
        // (two redemptions reading the code under a shared lock and both upgrading it to rotate deadlocked: 503).
        var owner = Guid.NewGuid();
        var otherPartner = Guid.NewGuid();
        var settings = new JsonObject { ["leaks"] = new JsonObject { ["autoRotate"] = true, ["rotateAfter"] = 2 } };
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(settings, partnerId: owner);
        var first = await _storefront.ReserveOkAsync(code, partnerId: otherPartner);
        await (await _storefront.RedeemAsync(Redemption(code, $"order-leak-first-{Guid.NewGuid():N}", first, partnerId: otherPartner)))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var held = new List<Guid>();
        for (var index = 0; index < 12; index++)
        {
            held.Add(await _storefront.ReserveOkAsync(code, partnerId: otherPartner));
        }

        // A reader holds the code row (FOR SHARE) until the redemptions have lined up behind it, so they meet at the row lock.
        await using var blocker = new NpgsqlConnection(factory.DatabaseConnectionString);
        await blocker.OpenAsync(Ct);
        await using var hold = await blocker.BeginTransactionAsync(Ct);
        await using (var lockRow = new NpgsqlCommand("SELECT id FROM coupon_codes WHERE code = @code FOR SHARE", blocker, hold))
        {
            lockRow.Parameters.AddWithValue("code", code);
            await lockRow.ExecuteScalarAsync(Ct);
        }

        var inFlight = held.Select(reservationId =>
            _storefront.RedeemAsync(Redemption(code, $"order-leak-held-{Guid.NewGuid():N}", reservationId, partnerId: otherPartner))).ToList();
        await Eventually.UntilAsync(async () =>
        {
            await using var connection = new NpgsqlConnection(factory.DatabaseConnectionString);
            await connection.OpenAsync(Ct);
            await using var waiting = new NpgsqlCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%coupon_codes%'",
                connection);
            return (long)(await waiting.ExecuteScalarAsync(Ct))! >= 2;
        }, TimeSpan.FromSeconds(20), "two redemptions wait on the code row");
        await hold.RollbackAsync(Ct);
        var responses = await Task.WhenAll(inFlight);

        foreach (var response in responses)
        {
            var redemption = await response.ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
            Assert.Equal("no_partner_click", redemption["leakSuspected"]!.GetValue<string>());
        }

        var codeNow = await (await _admin.GetAsync($"/api/coupons/codes/{code}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.NotNull(codeNow["retiredAt"]?.GetValue<DateTimeOffset>());
        Assert.Single(await factory.OutboxEventsAsync("coupon-issued"),
            node => node["campaignId"]!.GetValue<Guid>() == campaignId && node["source"]!.GetValue<string>() == "rotation");
        var stats = await _admin.StatsAsync(campaignId);
        Assert.Equal((13, 0, 13, 13), (stats.Number("uses"), stats.Number("held"), stats.Number("redeemed"), stats.Number("leakSuspected")));
    }

    [Fact]
    public async Task ManualRotation_WhileUsesWaitInTheGroupCommit_TheyAreRefusedRetired()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["requireReservation"] = false });
        await (await _storefront.RedeemAsync(Redemption(code, $"order-before-{Guid.NewGuid():N}", null))).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        // Hold the campaign's counter: the uses below are checked and queued, and their group commit waits on it.
        await using var blocker = new NpgsqlConnection(factory.DatabaseConnectionString);
        await blocker.OpenAsync(Ct);
        await using var hold = await blocker.BeginTransactionAsync(Ct);
        await using (var lockRow = new NpgsqlCommand("SELECT uses FROM coupon_counters WHERE key = @key FOR UPDATE", blocker, hold))
        {
            lockRow.Parameters.AddWithValue("key", CounterClaim.CampaignKey(campaignId));
            await lockRow.ExecuteScalarAsync(Ct);
        }

        var inFlight = Enumerable.Range(0, 10).Select(index => index % 2 == 0
            ? _storefront.RedeemAsync(Redemption(code, $"order-in-flight-{index}-{Guid.NewGuid():N}", null))
            : _storefront.ReserveAsync(Reservation(code))).ToList();
        await Eventually.UntilAsync(async () =>
        {
            await using var connection = new NpgsqlConnection(factory.DatabaseConnectionString);
            await connection.OpenAsync(Ct);
            await using var waiting = new NpgsqlCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%coupon_counters%'",
                connection);
            return (long)(await waiting.ExecuteScalarAsync(Ct))! > 0;
        }, TimeSpan.FromSeconds(20), "a group commit waits on the held counter");

        await (await _admin.PostAsJsonAsync($"/api/coupons/codes/{code}/rotation", new JsonObject(), Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        await hold.RollbackAsync(Ct);

        foreach (var response in await Task.WhenAll(inFlight))
        {
            Assert.Equal("retired", await response.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        }

        var stats = await _admin.StatsAsync(campaignId);
        Assert.Equal((1, 0, 1), (stats.Number("uses"), stats.Number("held"), stats.Number("redeemed")));
    }

    [Fact]
    public async Task Rotate_CodeWithMaxUses_ReplacementTakesOverOnlyTheRemainingUses_HoldsIncluded()
    {
        var campaignId = await _admin.CreateCampaignAsync();
        var code = await _admin.CreateCodeAsync(campaignId, partnerId: Guid.NewGuid(), maxUses: 3);
        await _storefront.ReserveAndRedeemAsync(code);
        await _storefront.ReserveOkAsync(code); // held: a use taken

        var rotation = await (await _admin.PostAsJsonAsync($"/api/coupons/codes/{code}/rotation", new JsonObject(), Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        Assert.Equal(3, rotation["retired"]!.AsObject().Number("maxUses"));
        Assert.Equal(1, rotation["replacement"]!.AsObject().Number("maxUses"));

        var replacement = rotation["replacement"]!["code"]!.GetValue<string>();
        await _storefront.ReserveOkAsync(replacement);
        Assert.Equal("exhausted", await (await _storefront.ReserveAsync(Reservation(replacement))).ShouldBeRefusedAsync(HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task Rotate_CodeWhoseUsesAreAllTaken_ReplacementHasNone_UnlimitedCodeStaysUnlimited()
    {
        var campaignId = await _admin.CreateCampaignAsync();
        var used = await _admin.CreateCodeAsync(campaignId, partnerId: Guid.NewGuid(), maxUses: 2);
        await _storefront.ReserveAndRedeemAsync(used);
        await _storefront.ReserveAndRedeemAsync(used);
        var unlimited = await _admin.CreateCodeAsync(campaignId, partnerId: Guid.NewGuid());
        await _storefront.ReserveAndRedeemAsync(unlimited);

        var spent = await (await _admin.PostAsJsonAsync($"/api/coupons/codes/{used}/rotation", new JsonObject(), Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        Assert.Equal(0, spent["replacement"]!.AsObject().Number("maxUses"));
        Assert.Equal("exhausted",
            await (await _storefront.ReserveAsync(Reservation(spent["replacement"]!["code"]!.GetValue<string>()))).ShouldBeRefusedAsync(HttpStatusCode.Conflict));

        var open = await (await _admin.PostAsJsonAsync($"/api/coupons/codes/{unlimited}/rotation", new JsonObject(), Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        Assert.Null(open["replacement"]!["maxUses"]);
    }
}
