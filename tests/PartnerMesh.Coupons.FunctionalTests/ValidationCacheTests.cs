using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Coupons.FunctionalTests.CouponsTestClient;

namespace PartnerMesh.Coupons.FunctionalTests;

/// <summary>
/// Validation reads code definitions from a cache and the counters from PostgreSQL: its answers about uses are exact,
/// a rotation is seen at once, and where the cache is stale the reservation (the enforcement point) still refuses.
/// </summary>
public sealed class ValidationCacheTests(CouponsApiFactory factory) : IClassFixture<CouponsApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();
    private readonly HttpClient _storefront = factory.Storefront();

    [Fact]
    public async Task Validate_CachedCode_SeesEveryUseAtOnce()
    {
        var campaignId = await _admin.CreateCampaignAsync();
        var code = await _admin.CreateCodeAsync(campaignId, maxUses: 2);
        Assert.True((await _storefront.ValidateAsync(Validation(code)))["valid"]!.GetValue<bool>());

        await _storefront.ReserveOkAsync(code);
        Assert.True((await _storefront.ValidateAsync(Validation(code)))["valid"]!.GetValue<bool>());
        await _storefront.ReserveOkAsync(code);

        Assert.Equal("exhausted", (await _storefront.ValidateAsync(Validation(code))).Reason());
    }

    [Fact]
    public async Task Validate_CodeRotatedAfterItWasCached_AnswersRetiredAtOnce()
    {
        await factory.CodeCacheInUseAsync();
        var (_, code) = await _admin.CampaignWithCodeAsync(partnerId: Guid.NewGuid());
        Assert.True((await _storefront.ValidateAsync(Validation(code)))["valid"]!.GetValue<bool>());

        var rotated = await _admin.PostAsJsonAsync($"/api/coupons/codes/{code}/rotation", new JsonObject(), Ct);
        await rotated.ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        Assert.Equal("retired", (await _storefront.ValidateAsync(Validation(code))).Reason());
    }

    [Fact]
    public async Task Validate_UnknownCodeCreatedAfterwards_IsValidAtOnce()
    {
        var campaignId = await _admin.CreateCampaignAsync();
        var code = UniqueCode();
        Assert.Equal("unknown", (await _storefront.ValidateAsync(Validation(code))).Reason());

        await _admin.CreateCodeAsync(campaignId, code);

        Assert.True((await _storefront.ValidateAsync(Validation(code)))["valid"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Reserve_CodeChangedBehindTheCache_RefusedEvenWhileValidationIsStale()
    {
        await factory.CodeCacheInUseAsync();
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(partnerId: Guid.NewGuid());
        Assert.True((await _storefront.ValidateAsync(Validation(code)))["valid"]!.GetValue<bool>());
        // A change no instance was told about (as if the notification was lost): only the cache's expiry would end it.
        await factory.QueryDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE coupon_codes SET retired_at = now() WHERE code = {code}", Ct));

        Assert.True((await _storefront.ValidateAsync(Validation(code)))["valid"]!.GetValue<bool>()); // advisory, and stale
        Assert.Equal("retired", await (await _storefront.ReserveAsync(Reservation(code))).ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        var redeemed = await _storefront.RedeemAsync(Redemption(code, $"order-{Guid.NewGuid():N}", null));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, redeemed.StatusCode); // a reservation is required, and none can be made
        Assert.Equal(0, (await _admin.StatsAsync(campaignId)).Number("uses"));
    }
}
