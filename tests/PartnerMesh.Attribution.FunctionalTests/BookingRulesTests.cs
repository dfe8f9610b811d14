using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Attribution.Api.Conversions;
using PartnerMesh.Attribution.Api.Leads;
using PartnerMesh.Attribution.Api.Payouts;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Attribution.FunctionalTests.ProgramHelpers;

namespace PartnerMesh.Attribution.FunctionalTests;

/// <summary>Budgets across every booking path, and what cancelled or refunded orders no longer count for (milestones, tiers).</summary>
public class BookingRulesTests(AttributionApiFactory factory) : IClassFixture<AttributionApiFactory>
{
    private readonly HttpClient _admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
    private readonly HttpClient _storefront = factory.CreateClientWithScopes(PartnerMeshScopes.Storefront);
    private readonly HttpClient _shopper = factory.CreateAnonymousClient();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MilestonesOfOneOrder_AreCappedTogetherWithTheSale_ByThePartnerBudget()
    {
        var program = await _admin.CreateProgramAsync(new
        {
            partnerBudget = 100,
            plan = new { type = "percent", rate = 0.10, milestones = new[] { new { activeDays = 30, bonus = 10 }, new { activeDays = 90, bonus = 10 } } },
        });
        var referrer = await _admin.CreateProgramPartnerAsync(program.Id);
        var customer = $"cust-{Guid.NewGuid():N}";
        var click = await _shopper.ClickAsync((await _admin.CreateLinkAsync(referrer.Id)).Code);
        await factory.QueryDbAsync(db => db.Clicks.Where(c => c.Id == click)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.OccurredAt, DateTimeOffset.UtcNow.AddDays(-105)), Ct));
        var first = await _storefront.ConvertAsync(Order(900m, click) with { CustomerId = customer, OrderedAt = DateTimeOffset.UtcNow.AddDays(-100) });

        // Day 100: the sale (5) and both milestones (10 + 10) against the 10 left.
        var later = await _storefront.ConvertAsync(Order(50m) with { CustomerId = customer });

        Assert.Equal((90.00m, 5.00m), (first.CommissionAmount, later.CommissionAmount));
        var entries = await factory.QueryDbAsync(db => db.Commissions.Where(c => c.PartnerId == referrer.Id)
            .Select(c => new { c.Kind, c.Amount }).ToListAsync(Ct));
        Assert.Equal(100.00m, entries.Sum(e => e.Amount));
        Assert.Equal([("milestone", 5m), ("sale", 5m), ("sale", 90m)], entries.Select(e => (e.Kind, e.Amount)).Order());
    }

    [Fact]
    public async Task ConcurrentLeadsAndSalesOfManyPartners_NeverBookPastTheProgramBudget()
    {
        var program = await _admin.CreateProgramAsync(new { budget = 30, plan = new { type = "percent", rate = 0.10, perLead = 5 } });
        var partners = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => _admin.CreateProgramPartnerAsync(program.Id)));
        var codes = await Task.WhenAll(partners.Select(async partner => (await _admin.CreateLinkAsync(partner.Id)).Code));
        var leadClicks = await Task.WhenAll(codes.Concat(codes).Concat(codes).Select(code => _shopper.ClickAsync(code)));
        var orderClicks = await Task.WhenAll(codes.Select(code => _shopper.ClickAsync(code)));

        // Each partner asks for 3 × 5 (leads) + 10 (a sale): 300 against a program budget of 30, all at once.
        var leads = leadClicks.Select(async click =>
        {
            using var response = await _storefront.PostAsJsonAsync("/api/attribution/leads",
                new RecordLeadRequest($"lead-{Guid.NewGuid():N}", "signup", click, null, null, null, Later), Ct);
            return (await response.ShouldBeAsync<LeadResponse>(HttpStatusCode.Created)).CommissionAmount;
        });
        var sales = orderClicks.Select(async click => (await _storefront.ConvertAsync(Order(100m, click))).CommissionAmount);
        var booked = await Task.WhenAll(leads.Concat(sales));

        Assert.Equal(30.00m, booked.Sum());
        Assert.Equal(30.00m, await factory.QueryDbAsync(db => db.Commissions.Where(c => c.ProgramId == program.Id).SumAsync(c => c.Amount, Ct)));
    }

    [Fact]
    public async Task CancelledSecondOrder_TheRealSecondOrderEarnsTheSecondOrderBonus()
    {
        var program = await _admin.CreateProgramAsync(new
        {
            plan = new { type = "percent", rate = 0.10, milestones = new object[] { new { orderCount = 2, bonus = 5 }, new { orderCount = 3, bonus = 7 } } },
        });
        var referrer = await _admin.CreateProgramPartnerAsync(program.Id);
        var customer = $"cust-{Guid.NewGuid():N}";
        var click = await _shopper.ClickAsync((await _admin.CreateLinkAsync(referrer.Id)).Code);
        await _storefront.ConvertAsync(Order(100m, click) with { CustomerId = customer });
        var cancelled = await _storefront.ConvertAsync(Order(50m) with { CustomerId = customer });
        var cancellation = new { refundId = $"cancel-{Guid.NewGuid():N}", orderId = cancelled.OrderId, kind = "cancellation", currency = "EUR" };

        await (await _storefront.PostAsJsonAsync("/api/attribution/refunds", cancellation, Ct)).ShouldBeAsync<RefundResponse>(HttpStatusCode.Created);
        await (await _storefront.PostAsJsonAsync("/api/attribution/refunds", cancellation, Ct)).ShouldBeAsync<RefundResponse>(HttpStatusCode.OK);
        var countAfterCancelling = await factory.QueryDbAsync(db => db.CustomerCredits.Where(c => c.CustomerId == customer).Select(c => c.OrderCount).SingleAsync(Ct));
        var realSecond = await _storefront.ConvertAsync(Order(40m) with { CustomerId = customer });

        Assert.Equal(1, countAfterCancelling);
        var milestones = await factory.QueryDbAsync(db => db.Commissions.Where(c => c.PartnerId == referrer.Id && c.Kind == "milestone")
            .OrderBy(c => c.CreatedAt).Select(c => new { c.OrderId, c.Amount }).ToListAsync(Ct));
        Assert.Equal([(cancelled.OrderId, 5m), (realSecond.OrderId, 5m)], milestones.Select(m => (m.OrderId!, m.Amount)));
        Assert.Equal(0m, await factory.QueryDbAsync(db => db.Commissions.Where(c => c.OrderId == cancelled.OrderId).SumAsync(c => c.Amount, Ct)));
        var reached = await factory.OutboxEventsAsync<RetentionMilestoneReached>(e => e.PartnerId == referrer.Id);
        Assert.Equal([(cancelled.OrderId, 2), (realSecond.OrderId, 2)], reached.OrderBy(e => e.OccurredAt).Select(e => (e.OrderId, e.Threshold)));
        Assert.Equal(2, await factory.QueryDbAsync(db => db.CustomerCredits.Where(c => c.CustomerId == customer).Select(c => c.OrderCount).SingleAsync(Ct)));
    }

    [Fact]
    public async Task CancelledAndRefundedOrders_DoNotLiftAPartnerToAHigherTier()
    {
        var program = await _admin.CreateProgramAsync(new { plan = new { type = "percent", rate = 0.10, tiers = new[] { new { minConversions = 3, rate = 0.20 } } } });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id);
        var code = (await _admin.CreateLinkAsync(partner.Id)).Code;
        var cancelled = await _storefront.ConvertAsync(Order(100m, await _shopper.ClickAsync(code)));
        var refunded = await _storefront.ConvertAsync(Order(100m, await _shopper.ClickAsync(code)));
        await (await _storefront.PostAsJsonAsync("/api/attribution/refunds",
            new { refundId = $"cancel-{Guid.NewGuid():N}", orderId = cancelled.OrderId, kind = "cancellation", currency = "EUR" }, Ct))
            .ShouldBeAsync<RefundResponse>(HttpStatusCode.Created);
        await (await _storefront.PostAsJsonAsync("/api/attribution/refunds",
            new { refundId = $"refund-{Guid.NewGuid():N}", orderId = refunded.OrderId, kind = "refund", amount = 100m, currency = "EUR" }, Ct))
            .ShouldBeAsync<RefundResponse>(HttpStatusCode.Created);

        var third = await _storefront.ConvertAsync(Order(100m, await _shopper.ClickAsync(code)));

        Assert.Equal(10.00m, third.CommissionAmount);
        Assert.Empty(await factory.OutboxEventsAsync<PartnerTierReached>(e => e.PartnerId == partner.Id));
    }

    [Fact]
    public async Task SalesRejectedInReview_DoNotLiftAPartnerToAHigherTier()
    {
        var program = await _admin.CreateProgramAsync(new { plan = new { type = "percent", rate = 0.10, tiers = new[] { new { minConversions = 3, rate = 0.30 } } } });
        var email = AttributionClientExtensions.UniqueEmail();
        var partner = await _admin.CreateProgramPartnerAsync(program.Id, email: email);
        var code = (await _admin.CreateLinkAsync(partner.Id)).Code;
        for (var i = 0; i < 2; i++)
        {
            var selfReferral = await _storefront.ConvertAsync(Order(100m, await _shopper.ClickAsync(code)) with { CustomerEmail = email });
            var held = await factory.QueryDbAsync(db => db.Commissions.SingleAsync(c => c.OrderId == selfReferral.OrderId, Ct));
            Assert.Equal(CommissionStatus.Held, held.Status);
            await (await _admin.PostAsync($"/api/attribution/commissions/{held.Id}/reject", null, Ct)).ShouldBeAsync<CommissionResponse>(HttpStatusCode.OK);
        }

        var third = await _storefront.ConvertAsync(Order(100m, await _shopper.ClickAsync(code)) with { CustomerEmail = "shopper@example.com" });

        Assert.Equal(10.00m, third.CommissionAmount);
        Assert.Empty(await factory.OutboxEventsAsync<PartnerTierReached>(e => e.PartnerId == partner.Id));
    }

    [Fact]
    public async Task Tiers_CountOrdersByTheirOrderTime_NotWhenTheyAreReported()
    {
        var program = await _admin.CreateProgramAsync(new { plan = new { type = "percent", rate = 0.10, tiers = new[] { new { minConversions = 2, rate = 0.20 } } } });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id);
        var code = (await _admin.CreateLinkAsync(partner.Id)).Code;
        var now = DateTimeOffset.UtcNow;
        var lastMonth = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero).AddDays(-3);
        var click = await _shopper.ClickAsync(code);
        await factory.QueryDbAsync(db => db.Clicks.Where(c => c.Id == click).ExecuteUpdateAsync(s => s.SetProperty(c => c.OccurredAt, lastMonth.AddHours(-1)), Ct));

        var reportedLate = await _storefront.ConvertAsync(Order(100m, click) with { OrderedAt = lastMonth });
        var thisMonth = await _storefront.ConvertAsync(Order(100m, await _shopper.ClickAsync(code)));

        Assert.Equal((10.00m, 10.00m), (reportedLate.CommissionAmount, thisMonth.CommissionAmount));
    }
}
