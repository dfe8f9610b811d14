using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Attribution.Api.Conversions;
using PartnerMesh.Attribution.Api.IntegrationEvents;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Contracts.Coupons;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Attribution.FunctionalTests.ProgramHelpers;

namespace PartnerMesh.Attribution.FunctionalTests;

/// <summary>
/// Coupons' <c>CouponRedeemed</c> crosses the broker and may land after the storefront reported the order: the code's
/// partner must still win under coupon-code precedence, with the ledger corrected rather than doubled.
/// </summary>
public class CouponReattributionTests(AttributionApiFactory factory) : IClassFixture<AttributionApiFactory>
{
    private readonly HttpClient _admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
    private readonly HttpClient _storefront = factory.CreateClientWithScopes(PartnerMeshScopes.Storefront);
    private readonly HttpClient _shopper = factory.CreateAnonymousClient();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LateCodeSignal_MovesTheCreditToTheCodeOwner_AndARedeliveryChangesNothing()
    {
        var program = await _admin.CreateProgramAsync(new { plan = new { type = "percent", rate = 0.1 } });
        var codeOwner = await _admin.CreateProgramPartnerAsync(program.Id);
        var clicker = await _admin.CreateProgramPartnerAsync(program.Id);
        var click = await _shopper.ClickAsync((await _admin.CreateLinkAsync(clicker.Id)).Code);
        var order = await _storefront.ConvertAsync(Order(80m, click));
        Assert.Equal((clicker.Id, 8.00m), (order.PartnerId, order.CommissionAmount));
        using var duplicates = new InboxDuplicates(factory.Services);
        var redeemed = Redeemed(order.OrderId, codeOwner.Id, trafficPartnerId: clicker.Id);

        await factory.PublishAsync(redeemed);
        var moved = await Eventually.GetAsync(async () =>
        {
            var current = await (await _storefront.GetAsync($"/api/attribution/conversions/{order.OrderId}", Ct)).ShouldBeAsync<ConversionResponse>(HttpStatusCode.OK);
            return current.PartnerId == codeOwner.Id ? current : null;
        }, because: "the late code signal should move the order to the code's partner");
        await factory.PublishAsync(redeemed);
        await duplicates.WaitForAsync(1, nameof(CouponRedeemedConsumer));

        Assert.Equal((AttributionDecision.CouponCode, 8.00m, (Guid?)null), (moved.Reason, moved.CommissionAmount, moved.ClickId));
        var entries = await factory.QueryDbAsync(db => db.Commissions.Where(c => c.OrderId == order.OrderId).ToListAsync(Ct));
        Assert.Equal(0m, entries.Where(e => e.PartnerId == clicker.Id).Sum(e => e.Amount));
        Assert.Equal([8.00m, -8.00m], entries.Where(e => e.PartnerId == clicker.Id).OrderBy(e => e.CreatedAt).ThenByDescending(e => e.Amount).Select(e => e.Amount));
        var sale = Assert.Single(entries, e => e.PartnerId == codeOwner.Id);
        Assert.Equal((CommissionKind.Sale, 8.00m, CommissionStatus.Pending), (sale.Kind, sale.Amount, sale.Status));
        var published = Assert.Single(await factory.OutboxEventsAsync<ConversionReattributed>(e => e.OrderId == order.OrderId));
        Assert.Equal((clicker.Id, codeOwner.Id, 80m), (published.PreviousPartnerId, published.PartnerId, published.OrderAmount));
        Assert.Single(await factory.OutboxEventsAsync<CommissionReversed>(e => e.OrderId == order.OrderId && e.PartnerId == clicker.Id));
    }

    [Fact]
    public async Task LateCodeSignal_OnTheCustomersFirstOrder_MovesTheCarriedCredit_ButNotOnceTheyOrderedAgain()
    {
        var program = await _admin.CreateProgramAsync(new { plan = new { type = "percent", rate = 0.1 } });
        var codeOwner = await _admin.CreateProgramPartnerAsync(program.Id);
        var clicker = await _admin.CreateProgramPartnerAsync(program.Id);
        var newCustomer = $"cust-{Guid.NewGuid():N}";
        var returning = $"cust-{Guid.NewGuid():N}";
        var first = await _storefront.ConvertAsync(Order(80m, await _shopper.ClickAsync((await _admin.CreateLinkAsync(clicker.Id)).Code)) with { CustomerId = newCustomer });
        var earlier = await _storefront.ConvertAsync(Order(30m, await _shopper.ClickAsync((await _admin.CreateLinkAsync(clicker.Id)).Code)) with { CustomerId = returning });
        var later = await _storefront.ConvertAsync(Order(40m) with { CustomerId = returning });
        Assert.Equal((clicker.Id, clicker.Id), (earlier.PartnerId, later.PartnerId));

        await factory.PublishAsync(Redeemed(first.OrderId, codeOwner.Id, trafficPartnerId: clicker.Id));
        await factory.PublishAsync(Redeemed(earlier.OrderId, codeOwner.Id, trafficPartnerId: clicker.Id));
        await Eventually.UntilAsync(async () => await factory.QueryDbAsync(db => db.Conversions.CountAsync(
            c => (c.OrderId == first.OrderId || c.OrderId == earlier.OrderId) && c.PartnerId == codeOwner.Id, Ct)) == 2,
            because: "both orders move to the code's partner");

        var credits = await factory.QueryDbAsync(db => db.CustomerCredits.Where(c => c.CustomerId == newCustomer || c.CustomerId == returning)
            .ToDictionaryAsync(c => c.CustomerId, c => (c.PartnerId, c.OrderCount), Ct));
        Assert.Equal((codeOwner.Id, 1), credits[newCustomer]);
        Assert.Equal((clicker.Id, 2), credits[returning]);
        var next = await _storefront.ConvertAsync(Order(20m) with { CustomerId = newCustomer });
        Assert.Equal((codeOwner.Id, "customer-credit"), (next.PartnerId, next.Reason));
    }

    [Fact]
    public async Task LateCodeSignal_ForAnUnattributedOrder_CreditsTheCodeOwner()
    {
        var program = await _admin.CreateProgramAsync(new { plan = new { type = "percent", rate = 0.05 } });
        var codeOwner = await _admin.CreateProgramPartnerAsync(program.Id);
        var order = await _storefront.ConvertAsync(Order(200m));
        Assert.False(order.Attributed);

        await factory.PublishAsync(Redeemed(order.OrderId, codeOwner.Id, trafficPartnerId: null));

        var moved = await Eventually.GetAsync(async () =>
        {
            var current = await (await _storefront.GetAsync($"/api/attribution/conversions/{order.OrderId}", Ct)).ShouldBeAsync<ConversionResponse>(HttpStatusCode.OK);
            return current.Attributed ? current : null;
        });
        Assert.Equal((codeOwner.Id, 10.00m), (moved.PartnerId, moved.CommissionAmount));
    }

    [Fact]
    public async Task LateCodeSignal_ForACustomersUnattributedFirstOrder_GivesTheCodeOwnerTheCustomer_AsIfTheCodeCameFirst()
    {
        var program = await _admin.CreateProgramAsync(new { plan = new { type = "fixed", fixedAmount = 10, milestones = new[] { new { orderCount = 2, bonus = 3 } } } });
        var codeOwner = await _admin.CreateProgramPartnerAsync(program.Id);
        var customer = $"cust-{Guid.NewGuid():N}";
        var first = await _storefront.ConvertAsync(Order(100m) with { CustomerId = customer, ProgramId = program.Id });
        Assert.Equal((false, "no-click"), (first.Attributed, first.Reason));

        await factory.PublishAsync(Redeemed(first.OrderId, codeOwner.Id, trafficPartnerId: null));
        await Eventually.UntilAsync(() => factory.QueryDbAsync(db => db.Conversions.AnyAsync(c => c.OrderId == first.OrderId && c.PartnerId == codeOwner.Id, Ct)),
            because: "the late code credits the code's partner");
        var second = await _storefront.ConvertAsync(Order(50m) with { CustomerId = customer, ProgramId = program.Id });

        Assert.Equal((codeOwner.Id, "customer-credit", 10.00m), (second.PartnerId, second.Reason, second.CommissionAmount));
        var entries = await factory.QueryDbAsync(db => db.Commissions.Where(c => c.PartnerId == codeOwner.Id)
            .Select(c => new { c.OrderId, c.Kind, c.Amount }).ToListAsync(Ct));
        Assert.Equal(
            [(first.OrderId, CommissionKind.Sale, 10.00m), (second.OrderId, CommissionKind.Milestone, 3.00m), (second.OrderId, CommissionKind.Sale, 10.00m)],
            entries.Select(e => (e.OrderId!, e.Kind, e.Amount)).OrderBy(e => e.Item1 == first.OrderId ? 0 : 1).ThenBy(e => e.Kind, StringComparer.Ordinal));
    }

    [Fact]
    public async Task PartnersOwnCodeAndClick_GiveTheSameReason_WhicheverArrivesFirst()
    {
        var program = await _admin.CreateProgramAsync(new { plan = new { type = "percent", rate = 0.1 } });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id);
        var link = await _admin.CreateLinkAsync(partner.Id);

        var orderFirst = await _storefront.ConvertAsync(Order(90m, await _shopper.ClickAsync(link.Code)));
        Assert.Equal((partner.Id, AttributionDecision.LastClick), (orderFirst.PartnerId, orderFirst.Reason));
        await factory.PublishAsync(Redeemed(orderFirst.OrderId, partner.Id, trafficPartnerId: partner.Id) with { CodePartnerId = partner.Id });
        await WaitForSignalAsync(orderFirst.OrderId);

        var codeFirst = Order(90m, await _shopper.ClickAsync(link.Code));
        await factory.PublishAsync(Redeemed(codeFirst.OrderId!, partner.Id, trafficPartnerId: partner.Id) with { CodePartnerId = partner.Id });
        await WaitForSignalAsync(codeFirst.OrderId!);
        var codeFirstAnswer = await _storefront.ConvertAsync(codeFirst);

        var late = await (await _storefront.GetAsync($"/api/attribution/conversions/{orderFirst.OrderId}", Ct)).ShouldBeAsync<ConversionResponse>(HttpStatusCode.OK);
        Assert.Equal((partner.Id, AttributionDecision.CouponCode, 9.00m), (codeFirstAnswer.PartnerId, codeFirstAnswer.Reason, codeFirstAnswer.CommissionAmount));
        Assert.Equal((partner.Id, AttributionDecision.CouponCode, 9.00m, orderFirst.ClickId), (late.PartnerId, late.Reason, late.CommissionAmount, late.ClickId));
        // The credit did not move: one sale, nothing reversed, no re-attribution.
        var entries = await factory.QueryDbAsync(db => db.Commissions.Where(c => c.OrderId == orderFirst.OrderId).Select(c => c.Amount).ToListAsync(Ct));
        Assert.Equal([9.00m], entries);
        Assert.Empty(await factory.OutboxEventsAsync<ConversionReattributed>(e => e.OrderId == orderFirst.OrderId));
    }

    [Fact]
    public async Task PartnersOwnLateCode_WithoutCodePrecedence_KeepsTheClickReason()
    {
        var program = await _admin.CreateProgramAsync(new { couponPrecedence = false });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id);
        var order = await _storefront.ConvertAsync(Order(50m, await _shopper.ClickAsync((await _admin.CreateLinkAsync(partner.Id)).Code)));

        await factory.PublishAsync(Redeemed(order.OrderId, partner.Id, trafficPartnerId: partner.Id) with { CodePartnerId = partner.Id });
        await WaitForSignalAsync(order.OrderId);

        var current = await (await _storefront.GetAsync($"/api/attribution/conversions/{order.OrderId}", Ct)).ShouldBeAsync<ConversionResponse>(HttpStatusCode.OK);
        Assert.Equal((partner.Id, AttributionDecision.LastClick), (current.PartnerId, current.Reason));
    }

    [Fact]
    public async Task LateCodeSignal_WithoutCodePrecedence_LeavesTheClickersCredit()
    {
        var program = await _admin.CreateProgramAsync(new { couponPrecedence = false });
        var codeOwner = await _admin.CreateProgramPartnerAsync(program.Id);
        var clicker = await _admin.CreateProgramPartnerAsync(program.Id);
        var click = await _shopper.ClickAsync((await _admin.CreateLinkAsync(clicker.Id)).Code);
        var order = await _storefront.ConvertAsync(Order(50m, click));

        await factory.PublishAsync(Redeemed(order.OrderId, codeOwner.Id, trafficPartnerId: clicker.Id));
        await WaitForSignalAsync(order.OrderId);

        var current = await (await _storefront.GetAsync($"/api/attribution/conversions/{order.OrderId}", Ct)).ShouldBeAsync<ConversionResponse>(HttpStatusCode.OK);
        Assert.Equal(clicker.Id, current.PartnerId);
        Assert.Empty(await factory.OutboxEventsAsync<ConversionReattributed>(e => e.OrderId == order.OrderId));
    }

    [Fact]
    public async Task LateCodeSignal_OfAnotherProgramsPartner_LeavesTheOrder()
    {
        var program = await _admin.CreateProgramAsync();
        var clicker = await _admin.CreateProgramPartnerAsync(program.Id);
        var outsider = await _admin.CreateProgramPartnerAsync((await _admin.CreateProgramAsync()).Id);
        var click = await _shopper.ClickAsync((await _admin.CreateLinkAsync(clicker.Id)).Code);
        var order = await _storefront.ConvertAsync(Order(50m, click));

        await factory.PublishAsync(Redeemed(order.OrderId, outsider.Id, trafficPartnerId: clicker.Id));
        await WaitForSignalAsync(order.OrderId);

        var current = await (await _storefront.GetAsync($"/api/attribution/conversions/{order.OrderId}", Ct)).ShouldBeAsync<ConversionResponse>(HttpStatusCode.OK);
        Assert.Equal((clicker.Id, program.Id), (current.PartnerId, current.ProgramId));
        Assert.Empty(await factory.OutboxEventsAsync<ConversionReattributed>(e => e.OrderId == order.OrderId));
    }

    [Fact]
    public async Task SignalNamingTheTrafficPartner_IsNotACodeClaim_AndChangesNothing()
    {
        var program = await _admin.CreateProgramAsync();
        var clicker = await _admin.CreateProgramPartnerAsync(program.Id);
        var other = await _admin.CreateProgramPartnerAsync(program.Id);
        var click = await _shopper.ClickAsync((await _admin.CreateLinkAsync(clicker.Id)).Code);
        var order = await _storefront.ConvertAsync(Order(50m, click));

        // A code of nobody's: coupons names the partner whose traffic it saw, which says nothing new (an event from before
        // codePartnerId existed; a newer one says so with codePartnerId null).
        using var consumed = new ConsumedEvents(factory.Services);
        var redeemed = Redeemed(order.OrderId, other.Id, trafficPartnerId: other.Id);
        await factory.PublishAsync(redeemed);
        await consumed.WaitForAsync(redeemed.EventId);

        var current = await (await _storefront.GetAsync($"/api/attribution/conversions/{order.OrderId}", Ct)).ShouldBeAsync<ConversionResponse>(HttpStatusCode.OK);
        Assert.Equal(clicker.Id, current.PartnerId);
    }

    [Fact]
    public async Task LateCodeSignal_AfterARefund_LeavesTheOrderAsItIs()
    {
        var program = await _admin.CreateProgramAsync();
        var codeOwner = await _admin.CreateProgramPartnerAsync(program.Id);
        var clicker = await _admin.CreateProgramPartnerAsync(program.Id);
        var click = await _shopper.ClickAsync((await _admin.CreateLinkAsync(clicker.Id)).Code);
        var order = await _storefront.ConvertAsync(Order(50m, click));
        using var refund = await _storefront.PostAsJsonAsync("/api/attribution/refunds",
            new RecordRefundRequest($"refund-{Guid.NewGuid():N}", order.OrderId, "refund", 10m, "EUR", null), Ct);
        Assert.Equal(HttpStatusCode.Created, refund.StatusCode);

        await factory.PublishAsync(Redeemed(order.OrderId, codeOwner.Id, trafficPartnerId: clicker.Id));
        await WaitForSignalAsync(order.OrderId);

        var current = await (await _storefront.GetAsync($"/api/attribution/conversions/{order.OrderId}", Ct)).ShouldBeAsync<ConversionResponse>(HttpStatusCode.OK);
        Assert.Equal(clicker.Id, current.PartnerId);
    }

    private Task WaitForSignalAsync(string orderId) =>
        Eventually.UntilAsync(() => factory.QueryDbAsync(db => db.CouponSignals.AnyAsync(s => s.OrderId == orderId && s.RedeemedAt != null, Ct)));

    private static CouponRedeemed Redeemed(string orderId, Guid partnerId, Guid? trafficPartnerId) => new()
    {
        EventId = Guid.NewGuid(), OccurredAt = DateTimeOffset.UtcNow, RedemptionId = Guid.NewGuid(), OrderId = orderId, CodeId = Guid.NewGuid(),
        Code = "PARTNER10", CampaignId = Guid.NewGuid(), PromotionId = Guid.NewGuid(), OrderTotal = 50m, Currency = "EUR",
        PartnerId = partnerId, TrafficPartnerId = trafficPartnerId,
    };
}
