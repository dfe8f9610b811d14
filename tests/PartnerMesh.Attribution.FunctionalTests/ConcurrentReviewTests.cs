using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using PartnerMesh.Attribution.Api.Conversions;
using PartnerMesh.Attribution.Api.Payouts;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Contracts.Coupons;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Attribution.FunctionalTests.ProgramHelpers;

namespace PartnerMesh.Attribution.FunctionalTests;

/// <summary>
/// Reviews, refunds, late code-leak holds and payouts of one commission at the same instant: they decide under the
/// entry's lock, so racing reviews have one winner (the others 409, as a second review in sequence gets), a reversal ends
/// in its sale's state whatever the interleaving, a late hold holds every unpaid reversal and never a paid entry.
/// </summary>
public class ConcurrentReviewTests(AttributionApiFactory factory) : IClassFixture<AttributionApiFactory>
{
    private readonly HttpClient _admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
    private readonly HttpClient _storefront = factory.CreateClientWithScopes(PartnerMeshScopes.Storefront);
    private readonly HttpClient _shopper = factory.CreateAnonymousClient();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A sale of 10 on an order of 100; held for review (a disposable customer mailbox) when asked.</summary>
    private async Task<(Guid PartnerId, string OrderId, Guid SaleId)> SaleAsync(bool held)
    {
        var program = await _admin.CreateProgramAsync(new { holdDays = 0, plan = new { type = "percent", rate = 0.10 } });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id);
        var click = await _shopper.ClickAsync((await _admin.CreateLinkAsync(partner.Id)).Code);
        var order = Order(100m, click);
        await _storefront.ConvertAsync(held ? order with { CustomerEmail = "a@yopmail.com" } : order);
        var sale = Assert.Single(await EntriesAsync(partner.Id));
        Assert.Equal(held ? CommissionStatus.Held : CommissionStatus.Pending, sale.Status);
        return (partner.Id, order.OrderId!, sale.Id);
    }

    private Task<HttpResponseMessage> RefundAsync(string orderId, decimal amount) =>
        _storefront.PostAsJsonAsync("/api/attribution/refunds",
            new { refundId = $"refund-{Guid.NewGuid():N}", orderId, kind = "refund", amount, currency = "EUR" }, Ct);

    private Task<HttpResponseMessage> ReviewAsync(Guid id, string action) => _admin.PostAsync($"/api/attribution/commissions/{id}/{action}", null, Ct);

    private Task<List<Commission>> EntriesAsync(Guid partnerId) =>
        factory.QueryDbAsync(db => db.Commissions.AsNoTracking().Where(c => c.PartnerId == partnerId).OrderBy(c => c.Id).ToListAsync(Ct));

    private static CouponLeakSuspected Leak(string orderId, Guid partnerId) => new()
    {
        EventId = Guid.NewGuid(), OccurredAt = DateTimeOffset.UtcNow, RedemptionId = Guid.NewGuid(), OrderId = orderId, CodeId = Guid.NewGuid(),
        Code = "LEAKED10", CampaignId = Guid.NewGuid(), PartnerId = partnerId, Reason = "coupon_site_referrer",
    };

    [Fact]
    public async Task ReleasesAndRejectsOfOneHeldEntryAtOnce_ExactlyOneWins_TheOthersAre409()
    {
        for (var round = 0; round < 8; round++)
        {
            var (_, _, saleId) = await SaleAsync(held: true);

            var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(async i =>
            {
                var action = i % 2 == 0 ? "release" : "reject";
                return (Action: action, Response: await ReviewAsync(saleId, action));
            }));

            var winners = answers.Where(a => a.Response.StatusCode == HttpStatusCode.OK).ToList();
            var winner = Assert.Single(winners);
            foreach (var (_, response) in answers.Where(a => a.Response.StatusCode != HttpStatusCode.OK))
            {
                await response.ShouldBeProblemAsync(HttpStatusCode.Conflict);
            }

            var answered = await winner.Response.ShouldBeAsync<CommissionResponse>(HttpStatusCode.OK);
            var sale = await factory.QueryDbAsync(db => db.Commissions.AsNoTracking().SingleAsync(c => c.Id == saleId, Ct));
            var expected = winner.Action == "release" ? CommissionStatus.Approved : CommissionStatus.Rejected;
            Assert.Equal((expected, expected), (answered.Status, sale.Status));
            Assert.Equal(winner.Action == "release" ? 1 : 0, (await factory.OutboxEventsAsync<CommissionApproved>(e => e.CommissionId == saleId)).Count);
        }
    }

    [Fact]
    public async Task RefundRacingAReview_ReversalAlwaysEndsInItsSalesState()
    {
        for (var round = 0; round < 12; round++)
        {
            // Held and released, held and rejected, pending and rejected.
            var (held, action) = (round % 3) switch { 0 => (true, "release"), 1 => (true, "reject"), _ => (false, "reject") };
            var (partnerId, orderId, saleId) = await SaleAsync(held);

            var review = ReviewAsync(saleId, action);
            var refund = RefundAsync(orderId, 30m);
            await Task.WhenAll(review, refund);

            await (await review).ShouldBeAsync<CommissionResponse>(HttpStatusCode.OK);
            await (await refund).ShouldBeAsync<RefundResponse>(HttpStatusCode.Created);
            var entries = await EntriesAsync(partnerId);
            var sale = entries.Single(e => e.Id == saleId);
            Assert.Equal(action == "release" ? CommissionStatus.Approved : CommissionStatus.Rejected, sale.Status);
            // A rejected sale's refund books nothing or a rejected reversal; a released sale's reversal is released with it.
            Assert.All(entries.Where(e => e.Kind == CommissionKind.Reversal), e => Assert.Equal((sale.Status, saleId), (e.Status, e.OriginalCommissionId!.Value)));
            if (action == "release")
            {
                Assert.Equal(7.00m, entries.Sum(e => e.Amount));
            }
        }
    }

    [Fact]
    public async Task LateLeakHoldRacingRefunds_HoldsEveryUnpaidReversalWithItsSale()
    {
        using var consumed = new ConsumedEvents(factory.Services);
        for (var round = 0; round < 4; round++)
        {
            var (partnerId, orderId, _) = await SaleAsync(held: false);
            var leak = Leak(orderId, partnerId);
            var leakConsumed = Task.Run(async () =>
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), Ct);
                await factory.PublishAsync(leak);
                await consumed.WaitForAsync(leak.EventId);
            }, Ct);

            // Two streams of small refunds while the leak is published and consumed, and a little after.
            var statuses = await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
            {
                var answered = new List<HttpStatusCode>();
                var settledAt = (DateTimeOffset?)null;
                while (settledAt is null || DateTimeOffset.UtcNow - settledAt < TimeSpan.FromMilliseconds(100))
                {
                    answered.Add((await RefundAsync(orderId, 1m)).StatusCode);
                    settledAt ??= leakConsumed.IsCompleted ? DateTimeOffset.UtcNow : null;
                }

                return answered;
            }));
            await leakConsumed;

            Assert.All(statuses.SelectMany(s => s), status => Assert.Equal(HttpStatusCode.Created, status));
            var entries = await EntriesAsync(partnerId);
            Assert.True(entries.Count > 2, "the refunds should have booked reversals");
            Assert.All(entries, e => Assert.Equal((CommissionStatus.Held, FraudRules.CodeLeak), (e.Status, e.HoldReasons)));
        }
    }

    [Fact]
    public async Task LateLeakHoldRacingAPayout_LeavesAPaidEntryPaid_OrHoldsAnUnpaidOne()
    {
        using var consumed = new ConsumedEvents(factory.Services);
        for (var round = 0; round < 12; round++)
        {
            var (partnerId, orderId, saleId) = await SaleAsync(held: false);
            await _admin.PostAsync("/api/attribution/commissions/approve-due", null, Ct);
            var leak = Leak(orderId, partnerId);

            var payout = Task.Run(async () =>
            {
                await Task.Delay(TimeSpan.FromMilliseconds(round * 3), Ct);
                return await _admin.PostAsync("/api/attribution/payouts", null, Ct);
            }, Ct);
            await Task.WhenAll(payout, factory.PublishAsync(leak));
            await consumed.WaitForAsync(leak.EventId);

            var sale = (await EntriesAsync(partnerId)).Single(e => e.Id == saleId);
            var paidInBatch = (await payout).StatusCode == HttpStatusCode.Created
                && (await (await payout).ShouldBeAsync<PayoutBatchResponse>(HttpStatusCode.Created)).Items.Any(item => item.PartnerId == partnerId);
            Assert.Equal(paidInBatch
                    ? (CommissionStatus.Paid, (string?)null, true)
                    : (CommissionStatus.Held, FraudRules.CodeLeak, false),
                (sale.Status, sale.HoldReasons, sale.PayoutBatchId is not null));
        }
    }

    /// <summary>The leak arrives while a payout batch holds the sale (marked paid, not yet committed): it waits, then leaves it paid.</summary>
    [Fact]
    public async Task LateLeakHold_WhileAPayoutIsPayingTheSale_WaitsAndLeavesItPaid()
    {
        var (partnerId, orderId, saleId) = await SaleAsync(held: false);
        await _admin.PostAsync("/api/attribution/commissions/approve-due", null, Ct);
        using var consumed = new ConsumedEvents(factory.Services);

        await using var connection = new NpgsqlConnection(factory.DatabaseConnectionString);
        await connection.OpenAsync(Ct);
        await using var payout = await connection.BeginTransactionAsync(Ct);
        await using (var pay = new NpgsqlCommand(
            "UPDATE commissions SET status = 'paid', paid_at = now() WHERE id = @id AND status = 'approved'", connection, payout))
        {
            pay.Parameters.AddWithValue("id", saleId);
            Assert.Equal(1, await pay.ExecuteNonQueryAsync(Ct));
        }

        var leak = Leak(orderId, partnerId);
        await factory.PublishAsync(leak);
        var done = consumed.WaitForAsync(leak.EventId);
        await Task.WhenAny(done, Task.Delay(TimeSpan.FromSeconds(1), Ct));
        await payout.CommitAsync(Ct);
        await done;

        var sale = Assert.Single(await EntriesAsync(partnerId));
        Assert.Equal((CommissionStatus.Paid, (string?)null), (sale.Status, sale.HoldReasons));
    }
}
