using System.Net;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Attribution.Api.Conversions;
using PartnerMesh.Contracts.Coupons;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Attribution.FunctionalTests.ProgramHelpers;

namespace PartnerMesh.Attribution.FunctionalTests;

/// <summary>
/// The storefront's order and coupons' events about it cross different roads: the same facts must credit the same partner
/// (and hold the same commission) whatever arrives first, and when they arrive together.
/// </summary>
public class CouponArrivalOrderTests(AttributionApiFactory factory) : IClassFixture<AttributionApiFactory>
{
    private readonly HttpClient _admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
    private readonly HttpClient _storefront = factory.CreateClientWithScopes(PartnerMeshScopes.Storefront);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task PartnerCode_WithThatPartnersOwnTraffic_CreditsThePartner_WhateverArrivesFirst(bool conversionFirst)
    {
        var program = await _admin.CreateProgramAsync(new { plan = new { type = "percent", rate = 0.1 } });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id);
        var order = Order(100m) with { ProgramId = program.Id };
        var redeemed = Redeemed(order.OrderId!, partner.Id, trafficPartnerId: partner.Id, codePartnerId: partner.Id, DateTimeOffset.UtcNow);

        var credited = await ArriveAsync(order, conversionFirst ? ["order", redeemed] : [redeemed, "order"]);

        Assert.Equal((true, partner.Id, AttributionDecision.CouponCode, 10.00m), (credited.Attributed, credited.PartnerId, credited.Reason, credited.CommissionAmount));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CodeOfNobodys_RedeemedWithAPartnersTraffic_IsNoCodeClaim_WhateverArrivesFirst(bool conversionFirst)
    {
        var program = await _admin.CreateProgramAsync();
        var trafficPartner = await _admin.CreateProgramPartnerAsync(program.Id);
        var order = Order(100m) with { ProgramId = program.Id };
        var redeemed = Redeemed(order.OrderId!, trafficPartner.Id, trafficPartnerId: trafficPartner.Id, codePartnerId: null, DateTimeOffset.UtcNow);

        var decided = await ArriveAsync(order, conversionFirst ? ["order", redeemed] : [redeemed, "order"]);

        Assert.Equal((false, (Guid?)null, AttributionDecision.NoClick), (decided.Attributed, decided.PartnerId, decided.Reason));
    }

    /// <summary>Two partner codes on one order (stackable campaigns): the code redeemed first takes it, in every arrival order.</summary>
    [Theory]
    [InlineData("order", "A", "B")]
    [InlineData("order", "B", "A")]
    [InlineData("A", "order", "B")]
    [InlineData("B", "order", "A")]
    [InlineData("A", "B", "order")]
    [InlineData("B", "A", "order")]
    public async Task TwoPartnerCodes_TheCodeRedeemedFirstTakesTheOrder_WhateverTheArrivalOrder(string first, string second, string third)
    {
        var program = await _admin.CreateProgramAsync(new { plan = new { type = "percent", rate = 0.1 } });
        var partnerA = await _admin.CreateProgramPartnerAsync(program.Id);
        var partnerB = await _admin.CreateProgramPartnerAsync(program.Id);
        var order = Order(100m) with { ProgramId = program.Id };
        var redeemedAt = DateTimeOffset.UtcNow;
        var events = new Dictionary<string, object>
        {
            ["order"] = "order",
            // A: partner A's code with partner A's traffic; B: partner B's code a second later, with partner A's traffic.
            ["A"] = Redeemed(order.OrderId!, partnerA.Id, trafficPartnerId: partnerA.Id, codePartnerId: partnerA.Id, redeemedAt),
            ["B"] = Redeemed(order.OrderId!, partnerB.Id, trafficPartnerId: partnerA.Id, codePartnerId: partnerB.Id, redeemedAt.AddSeconds(1)),
        };

        var credited = await ArriveAsync(order, [events[first], events[second], events[third]]);

        Assert.Equal((partnerA.Id, AttributionDecision.CouponCode, 10.00m), (credited.PartnerId, credited.Reason, credited.CommissionAmount));
        var entries = await factory.QueryDbAsync(db => db.Commissions.Where(c => c.OrderId == order.OrderId).ToListAsync(Ct));
        Assert.Equal(10.00m, entries.Where(e => e.PartnerId == partnerA.Id).Sum(e => e.Amount));
        Assert.Equal(0m, entries.Where(e => e.PartnerId == partnerB.Id).Sum(e => e.Amount));
    }

    /// <summary>
    /// Coupons publishes <c>CouponRedeemed</c> and <c>CouponLeakSuspected</c> together; delivered at once, the flagged code's
    /// commission is held every time, also on an order that already had another partner's (later) code.
    /// </summary>
    [Fact]
    public async Task LeakAndRedemption_DeliveredTogether_AlwaysHoldTheFlaggedCodesCommission()
    {
        var program = await _admin.CreateProgramAsync(new { plan = new { type = "percent", rate = 0.1 } });
        var flagged = await _admin.CreateProgramPartnerAsync(program.Id);
        var other = await _admin.CreateProgramPartnerAsync(program.Id);
        using var consumed = new ConsumedEvents(factory.Services);

        var rounds = await Task.WhenAll(Enumerable.Range(0, 16).Select(async round =>
        {
            var order = await _storefront.ConvertAsync(Order(100m) with { ProgramId = program.Id });
            var redeemedAt = DateTimeOffset.UtcNow;
            if (round % 2 == 0)
            {
                // Another partner's code, redeemed after the flagged one but reported first: the order has a signal already.
                var later = Redeemed(order.OrderId!, other.Id, trafficPartnerId: null, codePartnerId: other.Id, redeemedAt.AddSeconds(1));
                await factory.PublishAsync(later);
                await consumed.WaitForAsync(later.EventId);
            }

            var redeemed = Redeemed(order.OrderId!, flagged.Id, trafficPartnerId: other.Id, codePartnerId: flagged.Id, redeemedAt);
            var leak = Leak(order.OrderId!, flagged.Id, trafficPartnerId: other.Id, redeemedAt);
            await Task.WhenAll(factory.PublishAsync(redeemed), factory.PublishAsync(leak));
            await Task.WhenAll(consumed.WaitForAsync(redeemed.EventId), consumed.WaitForAsync(leak.EventId));
            return order.OrderId;
        }));

        var entries = await factory.QueryDbAsync(db => db.Commissions.Where(c => rounds.Contains(c.OrderId) && c.PartnerId == flagged.Id).ToListAsync(Ct));
        Assert.Equal(rounds.Order(), entries.Select(e => e.OrderId).Order());
        Assert.All(entries, e => Assert.Equal((CommissionKind.Sale, 10.00m, CommissionStatus.Held, FraudRules.CodeLeak), (e.Kind, e.Amount, e.Status, e.HoldReasons)));
    }

    /// <summary>The order reported while coupons' event is being consumed: the code's partner is credited every time.</summary>
    [Fact]
    public async Task OrderAndRedemption_ArrivingTogether_CreditTheCodePartnerEveryTime()
    {
        var program = await _admin.CreateProgramAsync(new { plan = new { type = "percent", rate = 0.1 } });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id);
        using var consumed = new ConsumedEvents(factory.Services);

        var orders = await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            var order = Order(100m) with { ProgramId = program.Id };
            var redeemed = Redeemed(order.OrderId!, partner.Id, trafficPartnerId: null, codePartnerId: partner.Id, DateTimeOffset.UtcNow);
            await Task.WhenAll(factory.PublishAsync(redeemed), _storefront.ConvertAsync(order));
            await consumed.WaitForAsync(redeemed.EventId);
            return order.OrderId!;
        }));

        var credited = await factory.QueryDbAsync(db => db.Conversions.Where(c => orders.Contains(c.OrderId)).Select(c => c.PartnerId).ToListAsync(Ct));
        Assert.Equal(Enumerable.Repeat((Guid?)partner.Id, orders.Length), credited);
    }

    /// <summary>Delivers the order (<c>"order"</c>) and the events one after another, each consumed before the next; answers the order as it ends.</summary>
    private async Task<ConversionResponse> ArriveAsync(RecordConversionRequest order, object[] arrivals)
    {
        using var consumed = new ConsumedEvents(factory.Services);
        foreach (var arrival in arrivals)
        {
            if (arrival is CouponRedeemed redeemed)
            {
                await factory.PublishAsync(redeemed);
                await consumed.WaitForAsync(redeemed.EventId);
            }
            else
            {
                await _storefront.ConvertAsync(order);
            }
        }

        return await (await _storefront.GetAsync($"/api/attribution/conversions/{order.OrderId}", Ct)).ShouldBeAsync<ConversionResponse>(HttpStatusCode.OK);
    }

    private static CouponRedeemed Redeemed(string orderId, Guid partnerId, Guid? trafficPartnerId, Guid? codePartnerId, DateTimeOffset at) => new()
    {
        EventId = Guid.NewGuid(), OccurredAt = at, RedemptionId = Guid.NewGuid(), OrderId = orderId, CodeId = Guid.NewGuid(),
        Code = "PARTNER10", CampaignId = Guid.NewGuid(), PromotionId = Guid.NewGuid(), OrderTotal = 100m, Currency = "EUR",
        PartnerId = partnerId, TrafficPartnerId = trafficPartnerId, CodePartnerId = codePartnerId,
    };

    private static CouponLeakSuspected Leak(string orderId, Guid partnerId, Guid? trafficPartnerId, DateTimeOffset at) => new()
    {
        EventId = Guid.NewGuid(), OccurredAt = at, RedemptionId = Guid.NewGuid(), OrderId = orderId, CodeId = Guid.NewGuid(),
        Code = "PARTNER10", CampaignId = Guid.NewGuid(), PartnerId = partnerId, Reason = "no_partner_click", TrafficPartnerId = trafficPartnerId,
    };
}
