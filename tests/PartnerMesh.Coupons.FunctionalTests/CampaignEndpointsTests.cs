using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Coupons.FunctionalTests;

public sealed class CampaignEndpointsTests(CouponsApiFactory factory) : IClassFixture<CouponsApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();

    [Fact]
    public async Task CreateCampaign_WithLimits_Returns201WithEverySetting()
    {
        var promotionId = Guid.NewGuid();
        var partnerId = Guid.NewGuid();
        var response = await _admin.PostAsJsonAsync("/api/coupons/campaigns", new JsonObject
        {
            ["name"] = "Spring",
            ["promotionId"] = promotionId,
            ["startsAt"] = "2026-03-01T00:00:00Z",
            ["endsAt"] = "2026-04-01T00:00:00Z",
            ["maxUses"] = 100,
            ["maxUsesPerCode"] = 10,
            ["maxUsesPerCustomer"] = 1,
            ["maxUsesPerPartner"] = 20,
            ["minimumCartValue"] = 40,
            ["currency"] = "eur",
            ["stackable"] = true,
            ["partnerIds"] = new JsonArray(partnerId),
        }, Ct);

        var campaign = await response.ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        Assert.Equal(promotionId, campaign["promotionId"]!.GetValue<Guid>());
        Assert.Equal(100, campaign.Number("maxUses"));
        Assert.Equal(1, campaign.Number("maxUsesPerCustomer"));
        Assert.Equal(20, campaign.Number("maxUsesPerPartner"));
        Assert.Equal("EUR", campaign["currency"]!.GetValue<string>());
        Assert.True(campaign["stackable"]!.GetValue<bool>());
        Assert.True(campaign["requireReservation"]!.GetValue<bool>());
        Assert.Equal(partnerId, campaign["partnerIds"]![0]!.GetValue<Guid>());
        var read = await (await _admin.GetAsync($"/api/coupons/campaigns/{campaign["id"]}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal("Spring", read["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateCampaign_NilPartnerIdInPartnerIds_Returns400SayingItIsNoPartners()
    {
        var response = await _admin.PostAsJsonAsync("/api/coupons/campaigns", new JsonObject
        {
            ["name"] = "nil partner", ["promotionId"] = Guid.NewGuid(), ["partnerIds"] = new JsonArray(Guid.NewGuid(), Guid.Empty),
        }, Ct);

        var errors = (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).Extensions["errors"]!.ToString()!;
        Assert.Contains("partnerIds", errors, StringComparison.Ordinal);
        Assert.Contains("nil id", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("at most", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateCampaign_AbandonedCartMinimumWithoutCurrency_Returns400NamingCurrency()
    {
        var response = await _admin.PostAsJsonAsync("/api/coupons/campaigns", new JsonObject
        {
            ["name"] = "offers", ["promotionId"] = Guid.NewGuid(),
            ["abandonedCart"] = new JsonObject { ["enabled"] = true, ["minimumCartTotal"] = 50 },
        }, Ct);

        var errors = (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).Extensions["errors"]!.ToString()!;
        Assert.Contains("\"currency\"", errors, StringComparison.Ordinal);
        Assert.Contains("abandonedCart.minimumCartTotal", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateCampaign_WindowWithOffsets_StoredAsTheSameInstants()
    {
        var response = await _admin.PostAsJsonAsync("/api/coupons/campaigns", new JsonObject
        {
            ["name"] = "offsets", ["promotionId"] = Guid.NewGuid(),
            ["startsAt"] = "2026-03-01T00:00:00+02:00", ["endsAt"] = "2026-04-01T00:00:00-05:00",
        }, Ct);

        var campaign = await response.ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var read = await (await _admin.GetAsync($"/api/coupons/campaigns/{campaign["id"]}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal(new DateTimeOffset(2026, 2, 28, 22, 0, 0, TimeSpan.Zero), read["startsAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(new DateTimeOffset(2026, 4, 1, 5, 0, 0, TimeSpan.Zero), read["endsAt"]!.GetValue<DateTimeOffset>());
    }

    [Theory]
    [InlineData("maxUses", -1)]
    [InlineData("maxUses", 0)]
    [InlineData("maxUsesPerCustomer", -5)]
    [InlineData("maxUsesPerPartner", 2_000_000_000)]
    [InlineData("minimumCartValue", -10)]
    public async Task CreateCampaign_NegativeOrAbsurdLimit_Returns400NamingTheField(string field, int value)
    {
        var body = new JsonObject { ["name"] = "bad", ["promotionId"] = Guid.NewGuid(), [field] = value, ["currency"] = "EUR" };
        var problem = await (await _admin.PostAsJsonAsync("/api/coupons/campaigns", body, Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateCampaign_LimitBeyondInt32_Returns400()
    {
        var body = new JsonObject { ["name"] = "bad", ["promotionId"] = Guid.NewGuid(), ["maxUses"] = 99999999999999999999m };
        await (await _admin.PostAsJsonAsync("/api/coupons/campaigns", body, Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task CreateCampaign_MissingPromotionOrWindowInverted_Returns400()
    {
        var problem = await (await _admin.PostAsJsonAsync("/api/coupons/campaigns", new JsonObject
        {
            ["name"] = "bad", ["startsAt"] = "2026-04-01T00:00:00Z", ["endsAt"] = "2026-03-01T00:00:00Z",
        }, Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem.Extensions["errors"]!.ToString()!;
        Assert.Contains("promotionId", errors, StringComparison.Ordinal);
        Assert.Contains("endsAt", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateCode_OddCasingWhitespaceAndFullWidth_StoredNormalised()
    {
        var campaignId = await _admin.CreateCampaignAsync();
        var suffix = Guid.NewGuid().ToString("N")[..8];

        var created = await _admin.CreateCodeAsync(campaignId, $"  ｓｐｒｉｎｇ-{suffix}\t");

        Assert.Equal($"SPRING-{suffix.ToUpperInvariant()}", created);
        var read = await (await _admin.GetAsync($"/api/coupons/codes/spring-{suffix}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal(campaignId, read["campaignId"]!.GetValue<Guid>());
        Assert.Equal(0, read.Number("uses"));
    }

    [Fact]
    public async Task CreateCode_SameCodeInOtherCasing_Returns409CodeExists()
    {
        var campaignId = await _admin.CreateCampaignAsync();
        var code = CouponsTestClient.UniqueCode();
        await _admin.CreateCodeAsync(campaignId, code);
        var otherCampaign = await _admin.CreateCampaignAsync();

        var response = await _admin.PostAsJsonAsync($"/api/coupons/campaigns/{otherCampaign}/codes",
            new JsonObject { ["code"] = " " + code.ToLowerInvariant() }, Ct);

        Assert.Equal("code_exists", await response.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
    }

    [Theory]
    [InlineData("SPRІNG10")]          // Cyrillic І (U+0406)
    [InlineData("ЅPRING10")]          // Cyrillic Ѕ (U+0405)
    [InlineData("sprıng10")]          // dotless ı upper-cases to a Latin I: refused, not folded
    [InlineData("SPRING 10")]
    [InlineData("SPRING'; DROP TABLE coupon_codes;--")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("A\u200BB")]          // zero-width space
    public async Task CreateCode_LookAlikeOrOutsideCharset_Returns400(string code)
    {
        var campaignId = await _admin.CreateCampaignAsync();
        var problem = await (await _admin.PostAsJsonAsync($"/api/coupons/campaigns/{campaignId}/codes", new JsonObject { ["code"] = code }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("code", problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateCode_TenKilobytes_Returns400()
    {
        var campaignId = await _admin.CreateCampaignAsync();
        await (await _admin.PostAsJsonAsync($"/api/coupons/campaigns/{campaignId}/codes", new JsonObject { ["code"] = new string('A', 10_240) }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await _admin.PostAsJsonAsync($"/api/coupons/campaigns/{campaignId}/codes", new JsonObject { ["code"] = new string('A', 65) }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task CreateCode_UnknownCampaign_Returns404()
    {
        var response = await _admin.PostAsJsonAsync($"/api/coupons/campaigns/{Guid.NewGuid()}/codes", new JsonObject { ["code"] = "ANY-CODE" }, Ct);
        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task GetStats_UnknownCampaign_Returns404()
    {
        await (await _admin.GetAsync($"/api/coupons/campaigns/{Guid.NewGuid()}/stats", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task CreateCode_PartnerCode_IssuedEventStagedWithPartner()
    {
        var partnerId = Guid.NewGuid();
        var campaignId = await _admin.CreateCampaignAsync();
        var code = await _admin.CreateCodeAsync(campaignId, partnerId: partnerId);

        var issued = (await factory.OutboxEventsAsync("coupon-issued")).Single(node => node["code"]!.GetValue<string>() == code);
        Assert.Equal(partnerId, issued["partnerId"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task CreateCode_ForAPartnerTheCampaignIsNotRestrictedTo_Refused422NamingBoth_ListedPartnerAndNoPartnerCreated()
    {
        var (listed, other) = (Guid.NewGuid(), Guid.NewGuid());
        var campaignId = await _admin.CreateCampaignAsync(new JsonObject { ["partnerIds"] = new JsonArray(listed.ToString()) });

        var refused = await _admin.PostAsJsonAsync($"/api/coupons/campaigns/{campaignId}/codes",
            new JsonObject { ["code"] = CouponsTestClient.UniqueCode(), ["partnerId"] = other }, Ct);
        var problem = await refused.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("not_for_partner", problem.Extensions["reason"]!.ToString());
        Assert.Contains(other.ToString(), problem.Detail, StringComparison.Ordinal);
        Assert.Contains(listed.ToString(), problem.Detail, StringComparison.Ordinal);

        var generation = await _admin.PostAsJsonAsync($"/api/coupons/campaigns/{campaignId}/generation-jobs",
            new JsonObject { ["pattern"] = "GEN-####-####", ["count"] = 1, ["partnerId"] = other }, Ct);
        Assert.Equal("not_for_partner", (await generation.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity)).Extensions["reason"]!.ToString());

        await _admin.CreateCodeAsync(campaignId, partnerId: listed);
        await _admin.CreateCodeAsync(campaignId);
    }
}
