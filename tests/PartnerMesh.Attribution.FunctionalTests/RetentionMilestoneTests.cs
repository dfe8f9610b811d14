using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Attribution.Api.Conversions;
using PartnerMesh.Attribution.Api.Programs;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Contracts.Coupons;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Attribution.FunctionalTests.ProgramHelpers;

namespace PartnerMesh.Attribution.FunctionalTests;

/// <summary>
/// Retention milestones are the referrer's (the partner that brought the customer) whoever gets each later sale, and
/// follow the customer's standing orders: the Nth standing order carries the Nth-order bonus.
/// </summary>
public class RetentionMilestoneTests(AttributionApiFactory factory) : IClassFixture<AttributionApiFactory>
{
    private readonly HttpClient _admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
    private readonly HttpClient _storefront = factory.CreateClientWithScopes(PartnerMeshScopes.Storefront);
    private readonly HttpClient _shopper = factory.CreateAnonymousClient();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SecondOrderOnAnotherPartnersCode_TheReferrerEarnsTheSecondOrderBonus_Once()
    {
        var program = await _admin.CreateProgramAsync(new { plan = new { type = "percent", rate = 0.10, milestones = new[] { new { orderCount = 2, bonus = 5 } } } });
        var referrer = await _admin.CreateProgramPartnerAsync(program.Id);
        var other = await _admin.CreateProgramPartnerAsync(program.Id);
        var customer = $"cust-{Guid.NewGuid():N}";
        await _storefront.ConvertAsync(Order(100m, await _shopper.ClickAsync((await _admin.CreateLinkAsync(referrer.Id)).Code)) with { CustomerId = customer });

        var second = await _storefront.ConvertAsync(Order(50m) with { CustomerId = customer, CouponCode = (await _admin.CreateLinkAsync(other.Id)).Code });
        var third = await _storefront.ConvertAsync(Order(30m) with { CustomerId = customer });

        Assert.Equal((other.Id, "coupon-code"), (second.PartnerId, second.Reason));
        Assert.Equal((referrer.Id, "customer-credit"), (third.PartnerId, third.Reason));
        Assert.Equal([(referrer.Id, second.OrderId, 5m)], await MilestonesAsync(program.Id));
        var reached = Assert.Single(await factory.OutboxEventsAsync<RetentionMilestoneReached>(e => e.ProgramId == program.Id));
        Assert.Equal((referrer.Id, second.OrderId, 2), (reached.PartnerId, reached.OrderId, reached.Threshold));
    }

    [Fact]
    public async Task WithoutCarriedCredit_SecondOrderThroughAnotherPartnersClick_StillPaysTheReferrer()
    {
        var program = await _admin.CreateProgramAsync(new
        {
            customerCarriesCredit = false, plan = new { type = "percent", rate = 0.10, milestones = new[] { new { orderCount = 2, bonus = 5 }, new { orderCount = 3, bonus = 7 } } },
        });
        var referrer = await _admin.CreateProgramPartnerAsync(program.Id);
        var other = await _admin.CreateProgramPartnerAsync(program.Id);
        var customer = $"cust-{Guid.NewGuid():N}";
        await _storefront.ConvertAsync(Order(100m, await _shopper.ClickAsync((await _admin.CreateLinkAsync(referrer.Id)).Code)) with { CustomerId = customer });

        var second = await _storefront.ConvertAsync(Order(50m, await _shopper.ClickAsync((await _admin.CreateLinkAsync(other.Id)).Code)) with { CustomerId = customer });
        var third = await _storefront.ConvertAsync(Order(30m) with { CustomerId = customer });

        Assert.Equal((other.Id, "last-click", 5.00m), (second.PartnerId, second.Reason, second.CommissionAmount));
        Assert.False(third.Attributed);
        Assert.Equal([(referrer.Id, second.OrderId, 5m), (referrer.Id, third.OrderId, 7m)], await MilestonesAsync(program.Id));
    }

    [Fact]
    public async Task CancelledSecondOrder_LaterOrdersMoveUpAPlace_AndTheNextOrderReachesTheThirdAgain()
    {
        var program = await _admin.CreateProgramAsync(new
        {
            plan = new { type = "percent", rate = 0.10, milestones = new[] { new { orderCount = 2, bonus = 5 }, new { orderCount = 3, bonus = 7 } } },
        });
        var referrer = await _admin.CreateProgramPartnerAsync(program.Id);
        var customer = $"cust-{Guid.NewGuid():N}";
        await _storefront.ConvertAsync(Order(100m, await _shopper.ClickAsync((await _admin.CreateLinkAsync(referrer.Id)).Code)) with { CustomerId = customer });
        var second = await _storefront.ConvertAsync(Order(50m) with { CustomerId = customer });
        var third = await _storefront.ConvertAsync(Order(40m) with { CustomerId = customer });
        Assert.Equal([(referrer.Id, second.OrderId, 5m), (referrer.Id, third.OrderId, 7m)], await MilestonesAsync(program.Id));

        await (await _storefront.PostAsJsonAsync("/api/attribution/refunds",
            new { refundId = $"cancel-{Guid.NewGuid():N}", orderId = second.OrderId, kind = "cancellation", currency = "EUR" }, Ct))
            .ShouldBeAsync<RefundResponse>(HttpStatusCode.Created);

        // Standing: orders 1 and 3. Order 3 is the 2nd standing order: it carries the 2nd-order bonus; nobody is 3rd.
        Assert.Equal([(referrer.Id, third.OrderId, 5m)], await MilestonesAsync(program.Id));
        var fourth = await _storefront.ConvertAsync(Order(30m) with { CustomerId = customer });

        Assert.Equal([(referrer.Id, third.OrderId, 5m), (referrer.Id, fourth.OrderId, 7m)], await MilestonesAsync(program.Id));
        Assert.Equal(3, await factory.QueryDbAsync(db => db.CustomerCredits.Where(c => c.CustomerId == customer).Select(c => c.OrderCount).SingleAsync(Ct)));
        var reached = await factory.OutboxEventsAsync<RetentionMilestoneReached>(e => e.ProgramId == program.Id);
        Assert.Equal([(second.OrderId, 2), (third.OrderId, 3), (third.OrderId, 2), (fourth.OrderId, 3)],
            reached.OrderBy(e => e.OccurredAt).Select(e => (e.OrderId, e.Threshold)));
        Assert.Contains(await factory.OutboxEventsAsync<CommissionReversed>(e => e.OrderId == third.OrderId), e => e.Reason == RetentionMilestones.RenumberedReason);
    }

    [Fact]
    public async Task LateCodeOnASecondOrder_MovesTheSale_ButTheReferrerKeepsItsBonus()
    {
        var program = await _admin.CreateProgramAsync(new { plan = new { type = "percent", rate = 0.10, milestones = new[] { new { orderCount = 2, bonus = 5 } } } });
        var referrer = await _admin.CreateProgramPartnerAsync(program.Id);
        var codeOwner = await _admin.CreateProgramPartnerAsync(program.Id);
        var customer = $"cust-{Guid.NewGuid():N}";
        await _storefront.ConvertAsync(Order(100m, await _shopper.ClickAsync((await _admin.CreateLinkAsync(referrer.Id)).Code)) with { CustomerId = customer });
        var second = await _storefront.ConvertAsync(Order(50m) with { CustomerId = customer });

        await factory.PublishAsync(new CouponRedeemed
        {
            EventId = Guid.NewGuid(), OccurredAt = DateTimeOffset.UtcNow, RedemptionId = Guid.NewGuid(), OrderId = second.OrderId, CodeId = Guid.NewGuid(),
            Code = "PARTNER10", CampaignId = Guid.NewGuid(), PromotionId = Guid.NewGuid(), OrderTotal = 50m, Currency = "EUR",
            PartnerId = codeOwner.Id, TrafficPartnerId = null,
        });
        await Eventually.UntilAsync(async () => await factory.QueryDbAsync(db => db.Conversions.AnyAsync(c => c.OrderId == second.OrderId && c.PartnerId == codeOwner.Id, Ct)),
            because: "the late code moves the second order's sale to the code's partner");

        Assert.Equal([(referrer.Id, second.OrderId, 5m)], await MilestonesAsync(program.Id));
        // The referrer's sale (5) is reversed; its bonus (5) stays.
        Assert.Equal(5m, await factory.QueryDbAsync(db => db.Commissions.Where(c => c.OrderId == second.OrderId && c.PartnerId == referrer.Id).SumAsync(c => c.Amount, Ct)));
    }

    [Fact]
    public async Task PlanChange_TwoMilestonesOfOneThreshold_Returns400NamingTheField_AndKeepsThePlan()
    {
        var program = await _admin.CreateProgramAsync(new { plan = new { type = "percent", rate = 0.10, milestones = new[] { new { orderCount = 2, bonus = 5 } } } });

        var response = await _admin.PutAsJsonAsync($"/api/attribution/programs/{program.Id}", new
        {
            name = program.Name, currency = "EUR",
            plan = new { type = "percent", rate = 0.10, milestones = new[] { new { activeDays = 1, bonus = 3 }, new { activeDays = 1, bonus = 4 } } },
        }, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("plan.milestones[1].activeDays", problem.Extensions["errors"]!.ToString()!, StringComparison.Ordinal);
        var plans = await _admin.GetFromJsonAsync<List<PlanVersionResponse>>($"/api/attribution/programs/{program.Id}/plans", Ct);
        Assert.Equal([1], plans!.Select(plan => plan.Version));
    }

    [Theory]
    [InlineData("orderCount")]
    [InlineData("activeDays")]
    public async Task StoredPlanWithTwoMilestonesOfOneThreshold_RecordsEveryOrder_AndPaysTheFirstListedOnce(string threshold)
    {
        var program = await _admin.CreateProgramAsync(new { plan = new { type = "percent", rate = 0.10 } });
        // Plans stored before thresholds had to be unique may still hold two bonuses for one milestone.
        RetentionMilestone[] duplicates = threshold == "orderCount"
            ? [new(OrderCount: 2, ActiveDays: null, Bonus: 5m), new(OrderCount: 2, ActiveDays: null, Bonus: 7m)]
            : [new(OrderCount: null, ActiveDays: 1, Bonus: 5m), new(OrderCount: null, ActiveDays: 1, Bonus: 7m)];
        await factory.QueryDbAsync(async db =>
        {
            var stored = await db.Programs.SingleAsync(p => p.Id == program.Id, Ct);
            stored.Plan = stored.Plan with { Milestones = duplicates };
            return await db.SaveChangesAsync(Ct);
        });
        var referrer = await _admin.CreateProgramPartnerAsync(program.Id);
        var customer = $"cust-{Guid.NewGuid():N}";
        var click = await _shopper.ClickAsync((await _admin.CreateLinkAsync(referrer.Id)).Code);
        await factory.QueryDbAsync(db => db.Clicks.Where(c => c.Id == click)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.OccurredAt, DateTimeOffset.UtcNow.AddDays(-4)), Ct));
        await _storefront.ConvertAsync(Order(100m, click) with { CustomerId = customer, OrderedAt = DateTimeOffset.UtcNow.AddDays(-3) });

        var second = await _storefront.ConvertAsync(Order(100m) with { CustomerId = customer });

        Assert.Equal((referrer.Id, 10.00m), (second.PartnerId, second.CommissionAmount));
        (await _storefront.GetAsync($"/api/attribution/conversions/{second.OrderId}", Ct)).EnsureSuccessStatusCode();
        Assert.Equal([(referrer.Id, second.OrderId, 5m)], await MilestonesAsync(program.Id));
        Assert.Equal([5m], (await factory.OutboxEventsAsync<RetentionMilestoneReached>(e => e.ProgramId == program.Id)).Select(e => e.Bonus));
    }

    [Fact]
    public async Task CancelledOrderOfAnotherPartner_RefundReportsOnlyThatPartnersSaleReversal_TheBonusIsReversedUnderTheReferrer()
    {
        var program = await _admin.CreateProgramAsync(new { plan = new { type = "percent", rate = 0.10, milestones = new[] { new { orderCount = 2, bonus = 5 } } } });
        var referrer = await _admin.CreateProgramPartnerAsync(program.Id);
        var other = await _admin.CreateProgramPartnerAsync(program.Id);
        var customer = $"cust-{Guid.NewGuid():N}";
        await _storefront.ConvertAsync(Order(100m) with { CustomerId = customer, CouponCode = (await _admin.CreateLinkAsync(referrer.Id)).Code });
        var second = await _storefront.ConvertAsync(Order(100m) with { CustomerId = customer, CouponCode = (await _admin.CreateLinkAsync(other.Id)).Code });

        var cancelled = await (await _storefront.PostAsJsonAsync("/api/attribution/refunds",
            new { refundId = $"cancel-{Guid.NewGuid():N}", orderId = second.OrderId, kind = "cancellation", currency = "EUR" }, Ct))
            .ShouldBeAsync<RefundResponse>(HttpStatusCode.Created);

        // What the order booked for the sale partner (ConversionAttributed) less what the refund reports is its ledger net.
        Assert.Equal((other.Id, 10.00m, 10.00m), (second.PartnerId, second.CommissionAmount, cancelled.CommissionReversed));
        var published = Assert.Single(await factory.OutboxEventsAsync<RefundRecorded>(e => e.OrderId == second.OrderId));
        Assert.Equal((other.Id, 10.00m), (published.PartnerId, published.CommissionReversed));
        var attributed = Assert.Single(await factory.OutboxEventsAsync<ConversionAttributed>(e => e.OrderId == second.OrderId));
        var ledger = await factory.QueryDbAsync(db => db.Commissions.Where(c => c.OrderId == second.OrderId)
            .GroupBy(c => c.PartnerId).Select(g => new { PartnerId = g.Key, Net = g.Sum(c => c.Amount) }).ToDictionaryAsync(g => g.PartnerId, g => g.Net, Ct));
        Assert.Equal(ledger[other.Id], attributed.CommissionAmount - published.CommissionReversed);
        Assert.Equal(0m, ledger[referrer.Id]);
        var reversals = await factory.OutboxEventsAsync<CommissionReversed>(e => e.OrderId == second.OrderId);
        Assert.Equal([(other.Id, -10m), (referrer.Id, -5m)], reversals.Select(e => (e.PartnerId, e.Amount)).OrderBy(e => e.Amount == -5m));
    }

    [Fact]
    public async Task CancelledOrderOfTheReferrerItself_RefundReportsItsSaleReversal_NotItsBonus()
    {
        var program = await _admin.CreateProgramAsync(new { plan = new { type = "percent", rate = 0.10, milestones = new[] { new { orderCount = 2, bonus = 5 } } } });
        var referrer = await _admin.CreateProgramPartnerAsync(program.Id);
        var customer = $"cust-{Guid.NewGuid():N}";
        await _storefront.ConvertAsync(Order(100m) with { CustomerId = customer, CouponCode = (await _admin.CreateLinkAsync(referrer.Id)).Code });
        var second = await _storefront.ConvertAsync(Order(40m) with { CustomerId = customer });

        var cancelled = await (await _storefront.PostAsJsonAsync("/api/attribution/refunds",
            new { refundId = $"cancel-{Guid.NewGuid():N}", orderId = second.OrderId, kind = "cancellation", currency = "EUR" }, Ct))
            .ShouldBeAsync<RefundResponse>(HttpStatusCode.Created);

        Assert.Equal((referrer.Id, "customer-credit", 4.00m, 4.00m), (second.PartnerId, second.Reason, second.CommissionAmount, cancelled.CommissionReversed));
        Assert.Equal(4.00m, Assert.Single(await factory.OutboxEventsAsync<RefundRecorded>(e => e.OrderId == second.OrderId)).CommissionReversed);
        Assert.Equal(0m, await factory.QueryDbAsync(db => db.Commissions.Where(c => c.OrderId == second.OrderId).SumAsync(c => c.Amount, Ct)));
    }

    [Fact]
    public async Task BonusCutByTheReferrersBudget_SaysBudgetCapped_AndOneCutToNothingSaysBudgetExhausted()
    {
        var program = await _admin.CreateProgramAsync(new
        {
            partnerBudget = 12, plan = new { type = "percent", rate = 0.10, milestones = new[] { new { orderCount = 2, bonus = 5 } } },
        });
        var referrer = await _admin.CreateProgramPartnerAsync(program.Id);
        var other = await _admin.CreateProgramPartnerAsync(program.Id);
        var referrerCode = (await _admin.CreateLinkAsync(referrer.Id)).Code;
        var otherCode = (await _admin.CreateLinkAsync(other.Id)).Code;
        var orders = new List<ConversionResponse>();
        foreach (var customer in new[] { $"cust-{Guid.NewGuid():N}", $"cust-{Guid.NewGuid():N}" })
        {
            // The referrer's sale (10), then a second order on another partner's code: its bonus gets what the budget left.
            await _storefront.ConvertAsync(Order(100m) with { CustomerId = customer, CouponCode = referrerCode });
            orders.Add(await _storefront.ConvertAsync(Order(100m) with { CustomerId = customer, CouponCode = otherCode }));
        }

        // Budget 12: the referrer's first sale takes 10 and the first bonus the 2 left; its second sale and bonus get nothing.
        var bonuses = await factory.QueryDbAsync(db => db.Commissions.Where(c => c.PartnerId == referrer.Id && c.Kind == CommissionKind.Milestone)
            .Select(c => new { c.OrderId, c.Amount, c.Note }).ToListAsync(Ct));
        var reached = await factory.OutboxEventsAsync<RetentionMilestoneReached>(e => e.PartnerId == referrer.Id);
        Assert.Equal([(orders[0].OrderId, 2m, "budget-capped")], bonuses.Select(b => (b.OrderId!, b.Amount, b.Note)));
        Assert.Equal([(orders[0].OrderId, 2m, "budget-capped"), (orders[1].OrderId, 0m, "budget-exhausted")],
            reached.OrderBy(e => e.OccurredAt).Select(e => (e.OrderId, e.Bonus, e.Note)));
    }

    [Theory]
    [InlineData("partner-not-active")]
    [InlineData("agreement-not-accepted")]
    public async Task ReferrerNotEarning_ReachedMilestoneBooksNothing_ButPublishesItWithBonusZeroAndTheReason(string reason)
    {
        var program = await _admin.CreateProgramAsync(new { plan = new { type = "percent", rate = 0.10, milestones = new[] { new { orderCount = 2, bonus = 5 } } } });
        var referrer = await _admin.CreateProgramPartnerAsync(program.Id);
        var other = await _admin.CreateProgramPartnerAsync(program.Id);
        var customer = $"cust-{Guid.NewGuid():N}";
        await _storefront.ConvertAsync(Order(100m) with { CustomerId = customer, CouponCode = (await _admin.CreateLinkAsync(referrer.Id)).Code });
        var otherCode = (await _admin.CreateLinkAsync(other.Id)).Code;
        if (reason == "partner-not-active")
        {
            (await _admin.PutAsJsonAsync($"/api/attribution/partners/{referrer.Id}/status", new { status = "suspended" }, Ct)).EnsureSuccessStatusCode();
        }
        else
        {
            // A new agreement version only the other partner accepts.
            var agreement = await (await _admin.PostAsJsonAsync($"/api/attribution/programs/{program.Id}/agreements", new { title = "Terms", body = "v2" }, Ct))
                .ShouldBeAsync<AgreementResponse>(HttpStatusCode.Created);
            (await _admin.PostAsync($"/api/attribution/partners/{other.Id}/agreements/{agreement.Id}/acceptance", null, Ct)).EnsureSuccessStatusCode();
        }

        var second = await _storefront.ConvertAsync(Order(100m) with { CustomerId = customer, CouponCode = otherCode });

        Assert.Equal((other.Id, 10.00m), (second.PartnerId, second.CommissionAmount));
        Assert.Empty(await MilestonesAsync(program.Id));
        var reached = Assert.Single(await factory.OutboxEventsAsync<RetentionMilestoneReached>(e => e.ProgramId == program.Id));
        Assert.Equal((referrer.Id, second.OrderId, 2, 0m, reason), (reached.PartnerId, reached.OrderId, reached.Threshold, reached.Bonus, reached.Note));
    }

    [Fact]
    public async Task CappedBonusMovedByRenumbering_KeepsItsBudgetNote_EvenUnderTheLongestOrderIds()
    {
        var program = await _admin.CreateProgramAsync(new
        {
            partnerBudget = 12, plan = new { type = "percent", rate = 0.10, milestones = new[] { new { orderCount = 2, bonus = 5 } } },
        });
        var referrer = await _admin.CreateProgramPartnerAsync(program.Id);
        var other = await _admin.CreateProgramPartnerAsync(program.Id);
        var otherCode = (await _admin.CreateLinkAsync(other.Id)).Code;
        var customer = $"cust-{Guid.NewGuid():N}";
        await _storefront.ConvertAsync(Order(100m) with { CustomerId = customer, CouponCode = (await _admin.CreateLinkAsync(referrer.Id)).Code });
        // Order ids as long as the storefront may send them (100 characters).
        var second = await _storefront.ConvertAsync(Order(100m) with { OrderId = LongOrderId(), CustomerId = customer, CouponCode = otherCode });
        var third = await _storefront.ConvertAsync(Order(100m) with { OrderId = LongOrderId(), CustomerId = customer, CouponCode = otherCode });

        await (await _storefront.PostAsJsonAsync("/api/attribution/refunds",
            new { refundId = $"cancel-{Guid.NewGuid():N}", orderId = second.OrderId, kind = "cancellation", currency = "EUR" }, Ct))
            .ShouldBeAsync<RefundResponse>(HttpStatusCode.Created);

        // Budget 12: the referrer's sale took 10, the 2nd-order bonus the 2 left; it moves to the third order, still capped.
        var moved = await factory.QueryDbAsync(db => db.Commissions
            .SingleAsync(c => c.PartnerId == referrer.Id && c.Kind == CommissionKind.Milestone && c.OrderId == third.OrderId, Ct));
        Assert.Equal((2m, RetentionMilestones.RenumberedNote(second.OrderId, budgetCapped: true)), (moved.Amount, moved.Note));
        Assert.EndsWith("; budget-capped", moved.Note, StringComparison.Ordinal);
        var reached = Assert.Single(await factory.OutboxEventsAsync<RetentionMilestoneReached>(e => e.OrderId == third.OrderId));
        Assert.Equal((2, 2m, "budget-capped"), (reached.Threshold, reached.Bonus, reached.Note));

        static string LongOrderId() => $"order-{Guid.NewGuid():N}".PadRight(100, 'x');
    }

    /// <summary>The program's live bonuses: each milestone entry net of its reversals, those with something left, by order time.</summary>
    private Task<List<(Guid PartnerId, string OrderId, decimal Amount)>> MilestonesAsync(Guid programId) =>
        factory.QueryDbAsync(async db =>
        {
            var bonuses = await db.Commissions.Where(c => c.ProgramId == programId && c.Kind == CommissionKind.Milestone)
                .Select(c => new
                {
                    c.PartnerId, c.OrderId, c.CreatedAt,
                    Left = c.Amount + (db.Commissions.Where(r => r.OriginalCommissionId == c.Id).Sum(r => (decimal?)r.Amount) ?? 0m),
                })
                .ToListAsync(Ct);
            return bonuses.Where(b => b.Left > 0).OrderBy(b => b.CreatedAt).ThenBy(b => b.Left).Select(b => (b.PartnerId, b.OrderId!, b.Left)).ToList();
        });
}
