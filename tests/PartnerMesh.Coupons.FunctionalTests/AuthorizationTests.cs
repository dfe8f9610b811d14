using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Coupons.FunctionalTests;

/// <summary>Program managers (admin) run campaigns and codes; storefronts (storefront or admin) validate and redeem;
/// partners and anonymous callers do neither.</summary>
public sealed class AuthorizationTests(CouponsApiFactory factory) : IClassFixture<CouponsApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> AdminCalls => new()
    {
        { "POST", "/api/coupons/campaigns" },
        { "GET", "/api/coupons/campaigns" },
        { "GET", $"/api/coupons/campaigns/{Guid.Empty}/stats" },
        { "POST", $"/api/coupons/campaigns/{Guid.Empty}/codes" },
        { "GET", "/api/coupons/codes/ANY" },
        { "POST", "/api/coupons/codes/ANY/rotation" },
        { "POST", $"/api/coupons/campaigns/{Guid.Empty}/generation-jobs" },
        { "GET", $"/api/coupons/generation-jobs/{Guid.Empty}" },
        { "GET", $"/api/coupons/generation-jobs/{Guid.Empty}/codes.csv" },
        { "POST", $"/api/coupons/generation-jobs/{Guid.Empty}/cancel" },
    };

    public static TheoryData<string, string> StorefrontCalls => new()
    {
        { "POST", "/api/coupons/validations" },
        { "POST", "/api/coupons/reservations" },
        { "POST", $"/api/coupons/reservations/{Guid.Empty}/release" },
        { "POST", "/api/coupons/redemptions" },
        { "GET", "/api/coupons/redemptions/order-1" },
        { "POST", "/api/coupons/redemptions/order-1/cancellation" },
        { "POST", "/api/coupons/redemptions/order-1/refund" },
        { "GET", "/api/coupons/customers/c-1/offers" },
    };

    [Theory]
    [MemberData(nameof(AdminCalls))]
    [MemberData(nameof(StorefrontCalls))]
    public async Task AnyCall_Anonymous_Returns401(string method, string path)
    {
        using var client = factory.CreateAnonymousClient();
        await (await SendAsync(client, method, path)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [MemberData(nameof(AdminCalls))]
    public async Task AdminCall_WithStorefrontKey_Returns403(string method, string path)
    {
        using var client = factory.Storefront();
        await (await SendAsync(client, method, path)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }

    [Theory]
    [MemberData(nameof(AdminCalls))]
    [MemberData(nameof(StorefrontCalls))]
    public async Task AnyCall_AsPartner_Returns403(string method, string path)
    {
        using var client = factory.CreatePartnerClient(Guid.NewGuid());
        await (await SendAsync(client, method, path)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task StorefrontCall_WithAdminKey_Allowed()
    {
        using var admin = factory.Admin();
        var response = await admin.PostAsJsonAsync("/api/coupons/validations", CouponsTestClient.Validation("NO-SUCH-CODE"), Ct);
        Assert.Equal("unknown", (await response.ShouldBeAsync<JsonObject>(HttpStatusCode.OK)).Reason());
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path) =>
        client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = method == "POST" ? JsonContent.Create(new JsonObject()) : null,
        }, Ct);
}
