using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Coupons.FunctionalTests.CouponsTestClient;

namespace PartnerMesh.Coupons.FunctionalTests;

/// <summary>Every reason a code is refused, from validation and from reservation (the same checks, the same words).</summary>
public sealed class ValidationTests(CouponsApiFactory factory) : IClassFixture<CouponsApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();
    private readonly HttpClient _storefront = factory.Storefront();

    [Fact]
    public async Task Validate_ValidCode_AnyCasingAndWhitespace_ReturnsCampaignAndPromotion()
    {
        var promotionId = Guid.NewGuid();
        var partnerId = Guid.NewGuid();
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["promotionId"] = promotionId }, partnerId);

        var validation = await _storefront.ValidateAsync(Validation($"  {code.ToLowerInvariant()} "));

        Assert.True(validation["valid"]!.GetValue<bool>());
        Assert.Equal(code, validation["code"]!.GetValue<string>());
        Assert.Equal(campaignId, validation["campaignId"]!.GetValue<Guid>());
        Assert.Equal(promotionId, validation["promotionId"]!.GetValue<Guid>());
        Assert.Equal(partnerId, validation["partnerId"]!.GetValue<Guid>());
        Assert.Null(validation.Reason());
    }

    [Fact]
    public async Task Validate_UnknownCode_ReasonUnknown()
    {
        var validation = await _storefront.ValidateAsync(Validation(UniqueCode("NOPE")));
        Assert.False(validation["valid"]!.GetValue<bool>());
        Assert.Equal("unknown", validation.Reason());
        Assert.Equal("unknown", await (await _storefront.ReserveAsync(Reservation(UniqueCode("NOPE")))).ShouldBeRefusedAsync(HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task Validate_BeforeStart_ReasonNotStarted()
    {
        var (_, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["startsAt"] = DateTimeOffset.UtcNow.AddDays(1) });
        await AssertRefusedAsync(code, "not_started");
    }

    [Fact]
    public async Task Validate_AfterEnd_ReasonExpired()
    {
        var (_, code) = await _admin.CampaignWithCodeAsync(new JsonObject
        {
            ["startsAt"] = DateTimeOffset.UtcNow.AddDays(-2), ["endsAt"] = DateTimeOffset.UtcNow.AddDays(-1),
        });
        await AssertRefusedAsync(code, "expired");
    }

    [Fact]
    public async Task Validate_AllUsesTaken_ReasonExhausted()
    {
        var (_, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUses"] = 1 });
        await _storefront.ReserveAndRedeemAsync(code);
        await AssertRefusedAsync(code, "exhausted");
    }

    [Fact]
    public async Task Validate_CodeUsesTaken_ReasonExhausted()
    {
        var campaignId = await _admin.CreateCampaignAsync();
        var code = await _admin.CreateCodeAsync(campaignId, maxUses: 1);
        await _storefront.ReserveOkAsync(code); // a held reservation counts as a use
        await AssertRefusedAsync(code, "exhausted");
    }

    [Fact]
    public async Task Validate_CustomerUsedItAlready_ReasonCustomerLimitReached_GuestsByNormalisedEmail()
    {
        var (_, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUsesPerCustomer"] = 1 });
        await _storefront.ReserveAndRedeemAsync(code, Guest("Ann.Guest@Example.com"));

        await AssertRefusedAsync(code, "customer_limit_reached", Guest("  ann.guest@EXAMPLE.com "));
        var other = await _storefront.ValidateAsync(Validation(code, Guest("bob@example.com")));
        Assert.True(other["valid"]!.GetValue<bool>());
        var anonymous = await _storefront.ValidateAsync(Validation(code));
        Assert.Equal("customer_limit_reached", anonymous.Reason()); // a per-customer limit needs to know the customer
    }

    [Fact]
    public async Task Validate_PartnerUsesTaken_ReasonPartnerLimitReached_OtherPartnerStillValid()
    {
        var (_, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUsesPerPartner"] = 1 });
        var (partnerA, partnerB) = (Guid.NewGuid(), Guid.NewGuid());
        var reservationId = await ReserveForPartnerAsync(code, partnerA);
        Assert.NotEqual(Guid.Empty, reservationId);

        await AssertRefusedAsync(code, "partner_limit_reached", partnerId: partnerA);
        Assert.True((await _storefront.ValidateAsync(Validation(code, partnerId: partnerB)))["valid"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Validate_PartnerCode_CountsAgainstItsOwnPartnerWhoeverSentTheTraffic()
    {
        var owner = Guid.NewGuid();
        var campaignId = await _admin.CreateCampaignAsync(new JsonObject { ["maxUsesPerPartner"] = 1 });
        var code = await _admin.CreateCodeAsync(campaignId, partnerId: owner);
        await ReserveForPartnerAsync(code, Guid.NewGuid()); // another partner's traffic: still the owner's use

        await AssertRefusedAsync(code, "partner_limit_reached", partnerId: Guid.NewGuid());
    }

    [Fact]
    public async Task Validate_CartBelowMinimum_ReasonMinimumNotMet()
    {
        var (_, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["minimumCartValue"] = 40, ["currency"] = "EUR" });

        await AssertRefusedAsync(code, "minimum_not_met", cartTotal: 39.99m);
        Assert.True((await _storefront.ValidateAsync(Validation(code, cartTotal: 40m)))["valid"]!.GetValue<bool>());
        Assert.Equal("minimum_not_met", (await _storefront.ValidateAsync(Validation(code, cartTotal: null))).Reason());
        Assert.Equal("currency_mismatch", (await _storefront.ValidateAsync(Validation(code, cartTotal: 100m, currency: "USD"))).Reason());
    }

    [Fact]
    public async Task Validate_CampaignRestrictedToPartners_OtherTraffic_ReasonNotForPartner()
    {
        var allowed = Guid.NewGuid();
        var (_, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["partnerIds"] = new JsonArray(allowed) });

        await AssertRefusedAsync(code, "not_for_partner", partnerId: Guid.NewGuid());
        await AssertRefusedAsync(code, "not_for_partner");
        Assert.True((await _storefront.ValidateAsync(Validation(code, partnerId: allowed)))["valid"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Validate_PartnerCodeOnAnotherPartnersTraffic_ValidAndAttributedToItsPartner()
    {
        var owner = Guid.NewGuid();
        var campaignId = await _admin.CreateCampaignAsync();
        var code = await _admin.CreateCodeAsync(campaignId, partnerId: owner);

        var validation = await _storefront.ValidateAsync(Validation(code, partnerId: Guid.NewGuid()));

        Assert.True(validation["valid"]!.GetValue<bool>());
        Assert.Equal(owner, validation["partnerId"]!.GetValue<Guid>());
    }

    [Theory]
    [InlineData("SPRІNG10")]
    [InlineData("SPRING 10")]
    [InlineData("' OR 1=1 --")]
    public async Task Validate_MalformedCode_Returns400(string code)
    {
        await (await _storefront.PostAsJsonAsync("/api/coupons/validations", Validation(code), Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Validate_TenKilobyteCodeOrNegativeTotal_Returns400()
    {
        await (await _storefront.PostAsJsonAsync("/api/coupons/validations", Validation(new string('x', 10_240)), Ct))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await _storefront.PostAsJsonAsync("/api/coupons/validations", Validation("ANY", cartTotal: -1m), Ct))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await _storefront.PostAsJsonAsync("/api/coupons/validations", Validation("ANY", customer: Guest(new string('a', 10_240) + "@x.io")), Ct))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("validations", "XYZ", 50, "currency")]
    [InlineData("reservations", "XTS", 50, "currency")]
    [InlineData("reservations", "JPY", 10.5, "cartTotal")]
    [InlineData("redemptions", "EUR", 10.123, "orderTotal")]
    [InlineData("redemptions", "ABC", 10, "currency")]
    public async Task MoneyThatIsNotMoney_Returns400NamingTheField_AndTakesNoUse(string call, string currency, double amount, string field)
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync();
        var total = (decimal)amount;
        var body = call switch
        {
            "validations" => Validation(code, cartTotal: total),
            "reservations" => Reservation(code, cartTotal: total),
            _ => Redemption(code, $"order-{Guid.NewGuid():N}", null, orderTotal: total),
        };
        body["currency"] = currency;

        var problem = await (await _storefront.PostAsJsonAsync($"/api/coupons/{call}", body, Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains($"\"{field}\"", problem.Extensions["errors"]!.ToString()!, StringComparison.Ordinal);
        var stats = await _admin.StatsAsync(campaignId);
        Assert.Equal((0, 0, 0), (stats.Number("uses"), stats.Number("held"), stats.Number("redeemed")));
    }

    [Fact]
    public async Task Validate_WithAt_JudgesTheWindowAtThatTime_LimitsAsTheyStandNow()
    {
        var now = DateTimeOffset.UtcNow;
        var (_, ending) = await _admin.CampaignWithCodeAsync(new JsonObject { ["endsAt"] = now.AddHours(1) });
        var (_, upcoming) = await _admin.CampaignWithCodeAsync(new JsonObject
        {
            ["startsAt"] = now.AddDays(1), ["endsAt"] = now.AddDays(2), ["maxUses"] = 1,
        });

        Assert.Equal("expired", (await _storefront.ValidateAsync(At(Validation(ending), now.AddHours(3)))).Reason());
        Assert.True((await _storefront.ValidateAsync(At(Validation(ending), now.AddMinutes(30))))["valid"]!.GetValue<bool>());
        Assert.True((await _storefront.ValidateAsync(At(Validation(upcoming), now.AddHours(36))))["valid"]!.GetValue<bool>());
        Assert.Equal("not_started", (await _storefront.ValidateAsync(Validation(upcoming))).Reason()); // without at: now

        static JsonObject At(JsonObject validation, DateTimeOffset at)
        {
            validation["at"] = at;
            return validation;
        }
    }

    [Theory]
    [InlineData("validations")]
    [InlineData("reservations")]
    [InlineData("redemptions")]
    public async Task CheckoutCall_NilPartnerId_Returns400NamingPartnerId_AndTakesNoUse(string call)
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["requireReservation"] = false, ["maxUsesPerPartner"] = 1 });
        var body = call switch
        {
            "validations" => Validation(code),
            "reservations" => Reservation(code),
            _ => Redemption(code, $"order-{Guid.NewGuid():N}", null),
        };
        body["partnerId"] = Guid.Empty;

        var problem = await (await _storefront.PostAsJsonAsync($"/api/coupons/{call}", body, Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("\"partnerId\"", problem.Extensions["errors"]!.ToString()!, StringComparison.Ordinal);
        var stats = await _admin.StatsAsync(campaignId);
        Assert.Equal((0, 0, 0), (stats.Number("uses"), stats.Number("held"), stats.Number("redeemed")));
    }

    private async Task<Guid> ReserveForPartnerAsync(string code, Guid partnerId)
    {
        var response = await _storefront.ReserveAsync(Reservation(code, partnerId: partnerId));
        return (await response.ShouldBeAsync<JsonObject>(HttpStatusCode.Created))["reservationId"]!.GetValue<Guid>();
    }

    /// <summary>Validation says why; a reservation is refused with a 409 problem giving the same reason.</summary>
    private async Task AssertRefusedAsync(string code, string reason, JsonObject? customer = null, decimal cartTotal = 50m, Guid? partnerId = null)
    {
        var validation = await _storefront.ValidateAsync(Validation(code, customer, cartTotal, partnerId: partnerId));
        Assert.False(validation["valid"]!.GetValue<bool>());
        Assert.Equal(reason, validation.Reason());

        var reservation = await _storefront.ReserveAsync(Reservation(code, customer, cartTotal, partnerId));
        Assert.Equal(reason, await reservation.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
    }
}
