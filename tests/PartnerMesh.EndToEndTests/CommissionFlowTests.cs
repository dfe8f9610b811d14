using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.EndToEndTests;

/// <summary>
/// A program's partner through the gateway: click, attributed order (crossing RabbitMQ into analytics), approval after
/// the hold, a payout batch, then a refund that claws back from the paid commission.
/// </summary>
public sealed class CommissionFlowTests(SystemFixture system)
{
    private readonly Journeys _journeys = new(system);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ProgramPartner_OrderIsPaidOut_ThenARefundClawsBack()
    {
        using var admin = system.CreateAdminClient();
        using var storefront = system.CreateStorefrontClient();
        var program = await ReadAsync(await admin.PostAsJsonAsync("/api/attribution/programs", new JsonObject
        {
            ["name"] = "E2E program",
            ["currency"] = "EUR",
            ["holdDays"] = 0,
            ["allowedHosts"] = new JsonArray("shop.example.com"),
            ["plan"] = new JsonObject { ["type"] = "percent", ["rate"] = 0.10m },
        }, Ct), HttpStatusCode.Created);
        var unique = Guid.NewGuid().ToString("N")[..10];
        var partner = await ReadAsync(await admin.PostAsJsonAsync("/api/attribution/partners", new JsonObject
        {
            ["name"] = $"Partner {unique}", ["email"] = $"partner-{unique}@example.com", ["kind"] = "influencer", ["programId"] = program["id"]!.GetValue<Guid>(),
        }, Ct), HttpStatusCode.Created);
        var partnerId = partner["id"]!.GetValue<Guid>();
        var link = await _journeys.CreateLinkAsync(partnerId);
        var clickId = await _journeys.FollowLinkAsync(link.Code);
        var orderId = $"order-{Guid.NewGuid():N}";

        var conversion = await ReadAsync(await storefront.PostAsJsonAsync("/api/attribution/conversions", new JsonObject
        {
            ["orderId"] = orderId, ["clickId"] = clickId, ["amount"] = 120.50m, ["currency"] = "EUR", ["orderedAt"] = DateTimeOffset.UtcNow.AddMinutes(1),
        }, Ct), HttpStatusCode.Created);
        Assert.Equal((partnerId, 12.05m), (conversion["partnerId"]!.GetValue<Guid>(), conversion["commissionAmount"]!.GetValue<decimal>()));

        // ConversionAttributed crossed the broker into analytics.
        await _journeys.WaitForKpisAsync(partnerId, totals => totals.Orders == 1 && totals.Clicks == 1);

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/api/attribution/commissions/approve-due", null, Ct)).StatusCode);
        var batch = await ReadAsync(await admin.PostAsync("/api/attribution/payouts", null, Ct), HttpStatusCode.Created);
        var item = batch["items"]!.AsArray().Single(entry => entry!["partnerId"]!.GetValue<Guid>() == partnerId)!;
        Assert.Equal(12.05m, item["amount"]!.GetValue<decimal>());
        var csv = await admin.GetStringAsync($"/api/attribution/payouts/{batch["id"]}/export", Ct);
        Assert.Contains($"{partnerId},Partner {unique},partner-{unique}@example.com,EUR,12.05,1", csv, StringComparison.Ordinal);

        var refund = await ReadAsync(await storefront.PostAsJsonAsync("/api/attribution/refunds", new JsonObject
        {
            ["refundId"] = $"refund-{Guid.NewGuid():N}", ["orderId"] = orderId, ["amount"] = 60.25m, ["currency"] = "EUR",
        }, Ct), HttpStatusCode.Created);
        Assert.Equal(6.03m, refund["commissionReversed"]!.GetValue<decimal>());
        var overRefund = await storefront.PostAsJsonAsync("/api/attribution/refunds", new JsonObject
        {
            ["refundId"] = $"refund-{Guid.NewGuid():N}", ["orderId"] = orderId, ["amount"] = 100m, ["currency"] = "EUR",
        }, Ct);
        await Testing.ProblemAssertions.ShouldBeProblemAsync(overRefund, HttpStatusCode.UnprocessableEntity);

        var ledger = await ReadAsync(await admin.GetAsync($"/api/attribution/partners/{partnerId}/ledger", Ct), HttpStatusCode.OK);
        var totals = ledger["totals"]!.AsArray().Single()!;
        Assert.Equal((12.05m, 12.05m, 6.03m, -6.03m),
            (totals["earned"]!.GetValue<decimal>(), totals["paid"]!.GetValue<decimal>(), totals["clawedBack"]!.GetValue<decimal>(), totals["approved"]!.GetValue<decimal>()));
    }

    [Fact]
    public async Task SaleRejectedInReview_CrossesTheBroker_AndLeavesThePartnersCommissionInAnalytics()
    {
        using var admin = system.CreateAdminClient();
        using var storefront = system.CreateStorefrontClient();
        var program = await ReadAsync(await admin.PostAsJsonAsync("/api/attribution/programs", new JsonObject
        {
            ["name"] = "E2E review program", ["currency"] = "EUR", ["holdDays"] = 0, ["allowedHosts"] = new JsonArray("shop.example.com"),
            ["plan"] = new JsonObject { ["type"] = "percent", ["rate"] = 0.10m },
        }, Ct), HttpStatusCode.Created);
        var unique = Guid.NewGuid().ToString("N")[..10];
        var email = $"partner-{unique}@example.com";
        var partnerId = (await ReadAsync(await admin.PostAsJsonAsync("/api/attribution/partners", new JsonObject
        {
            ["name"] = $"Partner {unique}", ["email"] = email, ["kind"] = "influencer", ["programId"] = program["id"]!.GetValue<Guid>(),
        }, Ct), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        var link = await _journeys.CreateLinkAsync(partnerId);

        // The partner ordering on its own code is a self-referral: the sale is held for review; a clean order beside it.
        foreach (var (amount, customerEmail) in new[] { (100m, email), (50m, "shopper@example.com") })
        {
            await ReadAsync(await storefront.PostAsJsonAsync("/api/attribution/conversions", new JsonObject
            {
                ["orderId"] = $"order-{Guid.NewGuid():N}", ["couponCode"] = link.Code, ["customerEmail"] = customerEmail, ["amount"] = amount,
                ["currency"] = "EUR",
            }, Ct), HttpStatusCode.Created);
        }

        await _journeys.WaitForKpisAsync(partnerId, totals => totals.SalesIn("EUR")?.Commission == 15m);
        var held = (await ReadAsync(await admin.GetAsync($"/api/attribution/commissions?partnerId={partnerId}&status=held", Ct), HttpStatusCode.OK))["items"]!.AsArray().Single()!;
        await ReadAsync(await admin.PostAsync($"/api/attribution/commissions/{held["id"]}/reject", null, Ct), HttpStatusCode.OK);

        // CommissionReversed (rejected) crossed the broker into analytics: the partner's commission is the ledger's earned.
        var kpis = await _journeys.WaitForKpisAsync(partnerId, totals => totals.SalesIn("EUR")?.Commission != 15m);
        Assert.Equal((2L, 150m, 5m), (kpis.Totals.SalesIn("EUR")!.Orders, kpis.Totals.SalesIn("EUR")!.Revenue, kpis.Totals.SalesIn("EUR")!.Commission));
    }

    [Fact]
    public async Task PartnerCodeRedeemedAfterTheOrderWasReported_MovesTheOrderToTheCodesPartner()
    {
        using var admin = system.CreateAdminClient();
        using var storefront = system.CreateStorefrontClient();
        var program = await ReadAsync(await admin.PostAsJsonAsync("/api/attribution/programs", new JsonObject
        {
            ["name"] = "E2E code precedence", ["currency"] = "EUR", ["allowedHosts"] = new JsonArray("shop.example.com"),
            ["plan"] = new JsonObject { ["type"] = "percent", ["rate"] = 0.10m },
        }, Ct), HttpStatusCode.Created);
        var programId = program["id"]!.GetValue<Guid>();
        async Task<Guid> PartnerAsync(string role)
        {
            var unique = Guid.NewGuid().ToString("N")[..10];
            var partner = await ReadAsync(await admin.PostAsJsonAsync("/api/attribution/partners", new JsonObject
            {
                ["name"] = $"{role} {unique}", ["email"] = $"{role}-{unique}@example.com", ["kind"] = "affiliate", ["programId"] = programId,
            }, Ct), HttpStatusCode.Created);
            return partner["id"]!.GetValue<Guid>();
        }

        var codeOwner = await PartnerAsync("influencer");
        var clicker = await PartnerAsync("affiliate");
        var campaign = await ReadAsync(await admin.PostAsJsonAsync("/api/coupons/campaigns", new JsonObject
        {
            ["name"] = "E2E partner code", ["promotionId"] = Guid.NewGuid(), ["requireReservation"] = false,
        }, Ct), HttpStatusCode.Created);
        var code = $"INFL{Guid.NewGuid():N}"[..14].ToUpperInvariant();
        // Coupons learns of the partner from PartnerRegistered (RabbitMQ): until then the code is refused as unknown.
        await Eventually.UntilAsync(async () => (await admin.PostAsJsonAsync($"/api/coupons/campaigns/{campaign["id"]}/codes",
            new JsonObject { ["code"] = code, ["partnerId"] = codeOwner }, Ct)).StatusCode == HttpStatusCode.Created, TimeSpan.FromSeconds(60));
        var clickId = await _journeys.FollowLinkAsync((await _journeys.CreateLinkAsync(clicker)).Code);
        var orderId = $"order-{Guid.NewGuid():N}";

        // The storefront reports the order before coupons' event has crossed the broker: the click wins for now.
        var conversion = await ReadAsync(await storefront.PostAsJsonAsync("/api/attribution/conversions", new JsonObject
        {
            ["orderId"] = orderId, ["clickId"] = clickId, ["amount"] = 90m, ["currency"] = "EUR", ["orderedAt"] = DateTimeOffset.UtcNow.AddMinutes(1),
        }, Ct), HttpStatusCode.Created);
        Assert.Equal(clicker, conversion["partnerId"]!.GetValue<Guid>());
        await ReadAsync(await storefront.PostAsJsonAsync("/api/coupons/redemptions", new JsonObject
        {
            ["code"] = code, ["orderId"] = orderId, ["customer"] = new JsonObject { ["id"] = $"c-{orderId}" }, ["orderTotal"] = 90m,
            ["currency"] = "EUR", ["partnerId"] = clicker,
        }, Ct), HttpStatusCode.Created);

        // CouponRedeemed crosses RabbitMQ into attribution, which moves the credit and corrects both ledgers.
        await Eventually.UntilAsync(async () => (await ReadAsync(await storefront.GetAsync($"/api/attribution/conversions/{orderId}", Ct), HttpStatusCode.OK))
            ["partnerId"]!.GetValue<Guid>() == codeOwner, TimeSpan.FromSeconds(60), "the late code should move the order to its partner");
        var ownerLedger = (await ReadAsync(await admin.GetAsync($"/api/attribution/partners/{codeOwner}/ledger", Ct), HttpStatusCode.OK))["totals"]!.AsArray().Single()!;
        var clickerLedger = (await ReadAsync(await admin.GetAsync($"/api/attribution/partners/{clicker}/ledger", Ct), HttpStatusCode.OK))["totals"]!.AsArray().Single()!;
        Assert.Equal(9.00m, ownerLedger["earned"]!.GetValue<decimal>());
        Assert.Equal((9.00m, 9.00m), (clickerLedger["earned"]!.GetValue<decimal>(), clickerLedger["reversed"]!.GetValue<decimal>()));

        // ConversionReattributed crossed the broker into analytics: the order is the code owner's there too.
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        string KpiUrl(Guid partner) => $"/api/analytics/kpis?dimension=partner&value={partner}&from={today.AddDays(-1):yyyy-MM-dd}&to={today.AddDays(1):yyyy-MM-dd}";
        async Task<JsonObject> PartnerKpisAsync(Guid partner) =>
            (await ReadAsync(await admin.GetAsync(KpiUrl(partner), Ct), HttpStatusCode.OK))["totals"]!.AsArray().Single()!["kpis"]!.AsObject();
        await Eventually.UntilAsync(async () => (await PartnerKpisAsync(codeOwner))["orders"]!.GetValue<long>() == 1, TimeSpan.FromSeconds(60),
            "analytics should move the order to the code's partner");
        var ownerKpis = await PartnerKpisAsync(codeOwner);
        Assert.Equal((90m, 9.00m), (ownerKpis["sales"]![0]!["revenue"]!.GetValue<decimal>(), ownerKpis["sales"]![0]!["commission"]!.GetValue<decimal>()));
        Assert.Equal(0L, (await PartnerKpisAsync(clicker))["orders"]!.GetValue<long>());
    }

    [Fact]
    public async Task OpenRedirectAttempt_ThroughTheGateway_StaysOnTheMerchantsSite()
    {
        var partner = await _journeys.CreatePartnerAsync();
        var link = await _journeys.CreateLinkAsync(partner.Id);
        using var shopper = system.CreateAnonymousClient();

        var response = await shopper.GetAsync($"/r/{link.Code}?url={Uri.EscapeDataString("https://evil.example/")}&gclid=abc", Ct);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("shop.example.com", response.Headers.Location!.Host);
    }

    private static async Task<JsonObject> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }
}
