using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PartnerMesh.Coupons.Api.Campaigns;
using PartnerMesh.Coupons.Api.Checkout;
using PartnerMesh.Coupons.Api.Codes;
using PartnerMesh.Coupons.Api.Common;
using PartnerMesh.Coupons.Api.Infrastructure;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Coupons.FunctionalTests.CouponsTestClient;

namespace PartnerMesh.Coupons.FunctionalTests;

/// <summary>
/// The group commit of uses (<see cref="UseLanes"/>, <see cref="UseBatch"/>): batches are built here explicitly, so that
/// what one batch holds is known, and each request must get the answer it would have got alone, in arrival order.
/// </summary>
public sealed class GroupCommitTests(CouponsApiFactory factory) : IClassFixture<CouponsApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();
    private readonly HttpClient _storefront = factory.Storefront();

    [Fact]
    public async Task Batch_RequestsExhaustTheLimitMidBatch_ExactlyTheLimitSucceedInArrivalOrder_RestExhausted()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUses"] = 5, ["requireReservation"] = false });
        var found = await FindAsync(code);
        var batch = Enumerable.Range(0, 12).Select(index => index % 3 == 0
            ? (UseRequest)Reserve(found, $"checkout-{index}", $"c{index}")
            : Redeem(found, $"order-{Guid.NewGuid():N}", $"c{index}")).ToList();

        var outcomes = await CommitAsync(batch);

        Assert.All(outcomes[..5], outcome => Assert.Equal(CheckoutOutcome.Done, outcome.Outcome));
        Assert.All(outcomes[5..], outcome => Assert.Equal((CheckoutOutcome.Refused, 409, "exhausted"), (outcome.Outcome, outcome.Status, outcome.Reason)));
        var stats = await _admin.StatsAsync(campaignId);
        Assert.Equal((5, 2, 3), (stats.Number("uses"), stats.Number("held"), stats.Number("redeemed")));
        Assert.Equal(3, (await EventsOfAsync(factory, "coupon-redeemed", campaignId)).Count);
        Assert.Equal(2, (await EventsOfAsync(factory, "coupon-reserved", campaignId)).Count);
        Assert.Equal("exhausted", (await _storefront.ValidateAsync(Validation(code))).Reason());
        Assert.Equal(1, await TransactionsThatWroteAsync("coupon_redemptions", campaignId)); // one batch, one transaction
        Assert.Equal(1, await TransactionsThatWroteAsync("coupon_reservations", campaignId));
    }

    [Fact]
    public async Task Batch_DuplicateOrderIdsAndCheckouts_OneUseEach_RepeatsGetTheFirstAnswer_OtherFactsRefused()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUses"] = 10, ["requireReservation"] = false });
        var (_, other) = await _admin.CampaignWithCodeAsync(new JsonObject { ["requireReservation"] = false });
        var (found, otherFound) = (await FindAsync(code), await FindAsync(other));

        var outcomes = await CommitAsync(
        [
            Redeem(found, "order-dup", "ann"),
            Reserve(found, "checkout-dup", "bob"),
            Redeem(found, "order-dup", "ann"),
            Redeem(otherFound, "order-dup", "ann"),
            Reserve(found, "checkout-dup", "bob"),
            Redeem(found, "order-dup", "ann", orderTotal: 250m),
            Redeem(found, "order-dup", "carl"),
            Reserve(found, "checkout-dup", "dan"),
        ]);

        Assert.Equal(
            [CheckoutOutcome.Done, CheckoutOutcome.Done, CheckoutOutcome.Replayed, CheckoutOutcome.Refused, CheckoutOutcome.Replayed,
                CheckoutOutcome.Refused, CheckoutOutcome.Refused, CheckoutOutcome.Refused],
            outcomes.Select(outcome => outcome.Outcome));
        Assert.Equal(((RedemptionResponse)outcomes[0].Value!).RedemptionId, ((RedemptionResponse)outcomes[2].Value!).RedemptionId);
        Assert.Equal("one_code_per_order", outcomes[3].Reason);
        Assert.Equal(((ReservationResponse)outcomes[1].Value!).ReservationId, ((ReservationResponse)outcomes[4].Value!).ReservationId);
        Assert.Equal(["order_mismatch", "order_mismatch", "checkout_mismatch"], outcomes[5..].Select(outcome => outcome.Reason));
        Assert.Equal(2, (await _admin.StatsAsync(campaignId)).Number("uses"));

        // A later batch replays the committed redemption too.
        var again = await CommitAsync([Redeem(found, "order-dup", "ann")]);
        Assert.Equal(CheckoutOutcome.Replayed, again[0].Outcome);
        Assert.Equal(((RedemptionResponse)outcomes[0].Value!).RedemptionId, ((RedemptionResponse)again[0].Value!).RedemptionId);
        Assert.Equal(2, (await _admin.StatsAsync(campaignId)).Number("uses"));
    }

    [Fact]
    public async Task Batch_OneIdempotencyKeyRepeated_FirstCreates_SameRequestReplays_OtherRequestRefused()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUses"] = 10, ["requireReservation"] = false });
        var found = await FindAsync(code);
        var (reserveKey, redeemKey) = ($"key-{Guid.NewGuid():N}", $"key-{Guid.NewGuid():N}");
        var reserve = Reserve(found, null, "ann") with { Idempotency = new IdempotencyClaim(IdempotentOperations.Reserve, reserveKey, "same") };
        var redeem = Redeem(found, "order-key-1", "bob") with { Idempotency = new IdempotencyClaim(IdempotentOperations.Redeem, redeemKey, "same") };

        var outcomes = await CommitAsync(
        [
            reserve,
            redeem,
            reserve,
            Reserve(found, null, "ann") with { Idempotency = reserve.Idempotency! with { Fingerprint = "other" } },
            Redeem(found, "order-key-2", "bob") with { Idempotency = redeem.Idempotency! with { Fingerprint = "other" } },
            redeem,
        ]);

        Assert.Equal(
            [CheckoutOutcome.Done, CheckoutOutcome.Done, CheckoutOutcome.KeyReplayed, CheckoutOutcome.Refused, CheckoutOutcome.Refused, CheckoutOutcome.KeyReplayed],
            outcomes.Select(outcome => outcome.Outcome));
        Assert.Equal(((ReservationResponse)outcomes[0].Value!).ReservationId, ((ReservationResponse)outcomes[2].Value!).ReservationId);
        Assert.Equal(((RedemptionResponse)outcomes[1].Value!).RedemptionId, ((RedemptionResponse)outcomes[5].Value!).RedemptionId);
        Assert.All(outcomes[3..5], outcome => Assert.Equal((409, "idempotency_key_reused"), (outcome.Status, outcome.Reason)));
        Assert.Equal(2, (await _admin.StatsAsync(campaignId)).Number("uses"));

        // A later batch answers from the committed keys.
        var again = await CommitAsync([reserve, redeem]);
        Assert.Equal([CheckoutOutcome.KeyReplayed, CheckoutOutcome.KeyReplayed], again.Select(outcome => outcome.Outcome));
        Assert.Equal(((ReservationResponse)outcomes[0].Value!).ReservationId, ((ReservationResponse)again[0].Value!).ReservationId);
        Assert.Equal(2, (await _admin.StatsAsync(campaignId)).Number("uses"));
    }

    [Fact]
    public async Task Batch_PerCustomerLimitHitMidBatch_OnlyThatCustomerIsRefused()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUsesPerCustomer"] = 2, ["requireReservation"] = false });
        var found = await FindAsync(code);

        var outcomes = await CommitAsync(
        [
            Redeem(found, "pc-1", CustomerKeys.Of(null, "Ann@Example.com")),
            Reserve(found, null, CustomerKeys.Of(null, " ann@example.com ")),
            Redeem(found, "pc-2", CustomerKeys.Of(null, "ANN@example.com")),
            Redeem(found, "pc-3", CustomerKeys.Of(null, "bob@example.com")),
            Reserve(found, null, CustomerKeys.Of(null, "ann@EXAMPLE.com")),
        ]);

        Assert.Equal(["ok", "ok", "customer_limit_reached", "ok", "customer_limit_reached"], outcomes.Select(outcome => outcome.Reason ?? "ok"));
        Assert.Equal(3, (await _admin.StatsAsync(campaignId)).Number("uses"));
    }

    [Fact]
    public async Task Batch_OneRequestIneligible_OthersAreApplied()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject
        {
            ["maxUses"] = 10, ["minimumCartValue"] = 40, ["currency"] = "EUR", ["requireReservation"] = false,
        });
        var found = await FindAsync(code);

        var outcomes = await CommitAsync([Redeem(found, "inv-1", "a"), Redeem(found, "inv-2", "b", orderTotal: 10m), Redeem(found, "inv-3", "c")]);

        Assert.Equal(["ok", "minimum_not_met", "ok"], outcomes.Select(outcome => outcome.Reason ?? "ok"));
        Assert.Equal(2, (await _admin.StatsAsync(campaignId)).Number("uses"));
        Assert.Equal(HttpStatusCode.NotFound, (await _storefront.GetAsync("/api/coupons/redemptions/inv-2", Ct)).StatusCode);
    }

    [Fact]
    public async Task Batch_CheckoutReservedSinceItsRequestWasChecked_GetsThatReservation_NoSecondUse()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUses"] = 10, ["requireReservation"] = false });
        var found = await FindAsync(code);
        // Committed (e.g. by another instance) after this batch's requests were checked, before the batch runs.
        var taken = await _storefront.ReserveAsync(Reservation(code, Customer("held"), checkoutId: "checkout-taken"));
        var heldId = (await taken.ShouldBeAsync<JsonObject>(HttpStatusCode.Created))["reservationId"]!.GetValue<Guid>();

        // The same shopper (the key the storefront's customer id "held" is filed under).
        var outcomes = await CommitAsync([Redeem(found, "fb-1", "a"), Reserve(found, "checkout-taken", "id:held"), Reserve(found, "checkout-new", "b")]);

        Assert.Equal([CheckoutOutcome.Done, CheckoutOutcome.Replayed, CheckoutOutcome.Done], outcomes.Select(outcome => outcome.Outcome));
        Assert.Equal(heldId, ((ReservationResponse)outcomes[1].Value!).ReservationId);
        var stats = await _admin.StatsAsync(campaignId);
        Assert.Equal((3, 2, 1), (stats.Number("uses"), stats.Number("held"), stats.Number("redeemed")));
    }

    /// <summary>The fallback: the batch fails as a whole (nothing of it is written), then each request runs in its own
    /// transaction, so only the bad one fails.</summary>
    [Fact]
    public async Task Batch_ARequestTheDatabaseRefuses_BatchFallsBack_ItFailsAlone_OthersCommittedOnce()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUses"] = 10, ["requireReservation"] = false });
        var found = await FindAsync(code);
        List<PendingUse> batch =
        [
            new(Redeem(found, "bad-1", "a")),
            new(Redeem(found, new string('x', 101), "b")), // longer than the column: only the database refuses it
            new(Redeem(found, "bad-3", "c")),
        ];

        await factory.Services.GetRequiredService<UseLanes>().CommitWithFallbackAsync(batch);

        Assert.Equal(CheckoutOutcome.Done, ((CheckoutResult<RedemptionResponse>)await batch[0].Completion.Task).Outcome);
        await Assert.ThrowsAnyAsync<DbUpdateException>(() => batch[1].Completion.Task);
        Assert.Equal(CheckoutOutcome.Done, ((CheckoutResult<RedemptionResponse>)await batch[2].Completion.Task).Outcome);
        Assert.Equal(2, (await _admin.StatsAsync(campaignId)).Number("uses"));
        Assert.Equal(2, await TransactionsThatWroteAsync("coupon_redemptions", campaignId)); // one each: the fallback
    }

    [Fact]
    public async Task Submit_CancelledWhileQueuedBehindACommit_WritesNothing()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUses"] = 10, ["requireReservation"] = false });
        var found = await FindAsync(code);
        await (await _storefront.RedeemAsync(Redemption(code, "cq-0", null))).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var lanes = factory.Services.GetRequiredService<UseLanes>();

        // Hold the campaign's counter so the lane's next commit waits, and the request after it stays queued.
        await using var blocker = new NpgsqlConnection(factory.DatabaseConnectionString);
        await blocker.OpenAsync(Ct);
        await using var hold = await blocker.BeginTransactionAsync(Ct);
        await using (var lockRow = new NpgsqlCommand("SELECT uses FROM coupon_counters WHERE key = @key FOR UPDATE", blocker, hold))
        {
            lockRow.Parameters.AddWithValue("key", CounterClaim.CampaignKey(campaignId));
            await lockRow.ExecuteScalarAsync(Ct);
        }

        var first = lanes.SubmitAsync<RedemptionResponse>(Redeem(found, "cq-1", "a"), Ct);
        await WaitUntilACommitWaitsOnALockAsync();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var queued = lanes.SubmitAsync<RedemptionResponse>(Redeem(found, "cq-2", "b"), cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);
        await hold.RollbackAsync(Ct);

        Assert.Equal(CheckoutOutcome.Done, (await first).Outcome);
        Assert.Equal(2, (await _admin.StatsAsync(campaignId)).Number("uses"));
        Assert.Equal(HttpStatusCode.NotFound, (await _storefront.GetAsync("/api/coupons/redemptions/cq-2", Ct)).StatusCode);
    }

    [Fact]
    public async Task DirectRedeem_500ConcurrentOrdersOfA50UseCode_Exactly50Succeed_CountersEqualRows()
    {
        var campaignId = await _admin.CreateCampaignAsync(new JsonObject { ["maxUsesPerCustomer"] = 3, ["requireReservation"] = false });
        var limited = await _admin.CreateCodeAsync(campaignId, maxUses: 50);

        var responses = await Task.WhenAll(Enumerable.Range(0, 500).Select(index =>
            _storefront.RedeemAsync(Redemption(limited, $"hot-{campaignId:N}-{index % 450}", null, Customer($"c{index % 40}")))));

        Assert.Equal(50, responses.Count(response => response.StatusCode == HttpStatusCode.Created
            && !response.Headers.Contains("Idempotent-Replayed")));
        Assert.All(responses, response => Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict));
        var stats = await _admin.StatsAsync(campaignId);
        Assert.Equal((50, 50), (stats.Number("uses"), stats.Number("redeemed")));
        var counters = await factory.QueryDbAsync(db => db.UsageCounters.AsNoTracking()
            .Where(counter => counter.Key.Contains(campaignId.ToString("N"))).SumAsync(counter => counter.Uses, Ct));
        var perCustomer = await factory.QueryDbAsync(db => db.Redemptions.AsNoTracking().Where(redemption => redemption.CampaignId == campaignId)
            .GroupBy(redemption => redemption.CustomerKey).Select(group => group.Count()).MaxAsync(Ct));
        Assert.True(perCustomer <= 3);
        Assert.Equal(50 + 50, counters); // campaign and per-customer counters each count every use
    }

    /// <summary>How many transactions wrote the campaign's rows of <paramref name="table"/> (their distinct <c>xmin</c>).</summary>
    private async Task<long> TransactionsThatWroteAsync(string table, Guid campaignId)
    {
        await using var connection = new NpgsqlConnection(factory.DatabaseConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(table switch
        {
            "coupon_redemptions" => "SELECT count(DISTINCT xmin::text) FROM coupon_redemptions WHERE campaign_id = @campaign",
            _ => "SELECT count(DISTINCT xmin::text) FROM coupon_reservations WHERE campaign_id = @campaign",
        }, connection);
        command.Parameters.AddWithValue("campaign", campaignId);
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }

    private async Task WaitUntilACommitWaitsOnALockAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        await using var connection = new NpgsqlConnection(factory.DatabaseConnectionString);
        await connection.OpenAsync(Ct);
        while (true)
        {
            await using var command = new NpgsqlCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%coupon_counters%'", connection);
            if ((long)(await command.ExecuteScalarAsync(Ct))! > 0)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "The group commit never waited on the held counter.");
            await Task.Delay(20, Ct);
        }
    }

    private async Task<CheckoutResult<object>[]> CommitAsync(IReadOnlyList<UseRequest> requests)
    {
        List<PendingUse> batch = [.. requests.Select(request => new PendingUse(request))];
        await factory.Services.GetRequiredService<UseLanes>().CommitWithFallbackAsync(batch);
        var results = new List<CheckoutResult<object>>();
        foreach (var pending in batch)
        {
            results.Add(await pending.Completion.Task switch
            {
                CheckoutResult<ReservationResponse> reserved => new(reserved.Outcome, reserved.Value, reserved.Status, reserved.Reason, reserved.Detail),
                CheckoutResult<RedemptionResponse> redeemed => new(redeemed.Outcome, redeemed.Value, redeemed.Status, redeemed.Reason, redeemed.Detail),
                var other => throw new InvalidOperationException($"Unexpected {other}"),
            });
        }

        return [.. results];
    }

    private async Task<(CouponCode Code, Campaign Campaign)> FindAsync(string code)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CouponsDbContext>();
        var coupon = await db.Codes.AsNoTracking().SingleAsync(candidate => candidate.Code == code, Ct);
        return (coupon, await db.Campaigns.AsNoTracking().SingleAsync(campaign => campaign.Id == coupon.CampaignId, Ct));
    }

    private static RedeemUse Redeem((CouponCode Code, Campaign Campaign) found, string orderId, string? customerKey, decimal orderTotal = 50m)
    {
        var now = DateTimeOffset.UtcNow;
        var partner = found.Code.PartnerId;
        return new RedeemUse(found.Code, found.Campaign, CounterClaim.For(found.Campaign, found.Code, Identity(customerKey), partner), now,
            orderId, Identity(customerKey), partner, null, orderTotal, "EUR", null, null);
    }

    private static ReserveUse Reserve((CouponCode Code, Campaign Campaign) found, string? checkout, string? customerKey)
    {
        var now = DateTimeOffset.UtcNow;
        var partner = found.Code.PartnerId;
        return new ReserveUse(found.Code, found.Campaign, CounterClaim.For(found.Campaign, found.Code, Identity(customerKey), partner), now,
            checkout, Identity(customerKey), partner, null, 50m, "EUR", 600);
    }

    /// <summary>The shopper known by this one key, as given.</summary>
    private static CustomerIdentity Identity(string? customerKey) => new(customerKey, null);

    private static async Task<IReadOnlyList<JsonNode>> EventsOfAsync(CouponsApiFactory factory, string urnPart, Guid campaignId) =>
        [.. (await factory.OutboxEventsAsync(urnPart)).Where(payload => payload["campaignId"]?.GetValue<Guid>() == campaignId)];
}
