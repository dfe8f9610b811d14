using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Coupons.FunctionalTests.CouponsTestClient;

namespace PartnerMesh.Coupons.FunctionalTests;

/// <summary>A leaked partner code is rotated: the old code stops working (<c>retired</c>), the partner gets a new one.</summary>
public sealed class RotationTests(CouponsApiFactory factory) : IClassFixture<CouponsApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();
    private readonly HttpClient _storefront = factory.Storefront();

    [Fact]
    public async Task Rotate_PartnerCode_OldRetiredNewValidForTheSamePartner_HeldReservationStillRedeems()
    {
        var owner = Guid.NewGuid();
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(partnerId: owner);
        var held = await _storefront.ReserveOkAsync(code);

        var rotation = await (await _admin.PostAsJsonAsync($"/api/coupons/codes/{code.ToLowerInvariant()}/rotation", new JsonObject(), Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        var replacement = rotation["replacement"]!["code"]!.GetValue<string>();
        Assert.NotEqual(code, replacement);
        Assert.Equal(owner, rotation["replacement"]!["partnerId"]!.GetValue<Guid>());
        Assert.Equal(campaignId, rotation["replacement"]!["campaignId"]!.GetValue<Guid>());
        Assert.NotNull(rotation["retired"]!["retiredAt"]);
        Assert.Equal("retired", (await _storefront.ValidateAsync(Validation(code))).Reason());
        Assert.Equal("retired", await (await _storefront.ReserveAsync(Reservation(code))).ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        var valid = await _storefront.ValidateAsync(Validation(replacement));
        Assert.True(valid["valid"]!.GetValue<bool>());
        Assert.Equal(owner, valid["partnerId"]!.GetValue<Guid>());
        await (await _storefront.RedeemAsync(Redemption(code, "order-rotated", held))).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Rotate_Twice_Returns409_UnknownReturns404_ChosenReplacementTakenReturns409()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync();
        var taken = await _admin.CreateCodeAsync(campaignId);

        Assert.Equal(HttpStatusCode.Conflict, (await _admin.PostAsJsonAsync($"/api/coupons/codes/{code}/rotation", new JsonObject { ["code"] = taken }, Ct)).StatusCode);
        var chosen = UniqueCode("NEW");
        var rotation = await (await _admin.PostAsJsonAsync($"/api/coupons/codes/{code}/rotation", new JsonObject { ["code"] = chosen.ToLowerInvariant() }, Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        Assert.Equal(chosen, rotation["replacement"]!["code"]!.GetValue<string>());
        await (await _admin.PostAsJsonAsync($"/api/coupons/codes/{code}/rotation", new JsonObject(), Ct)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        await (await _admin.PostAsJsonAsync($"/api/coupons/codes/{UniqueCode("NONE")}/rotation", new JsonObject(), Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await _admin.PostAsJsonAsync($"/api/coupons/codes/{code}/rotation", new JsonObject { ["code"] = "SPRІNG" }, Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await _storefront.PostAsJsonAsync($"/api/coupons/codes/{code}/rotation", new JsonObject(), Ct)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }
}
