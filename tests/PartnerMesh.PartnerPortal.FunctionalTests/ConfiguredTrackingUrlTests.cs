using System.Text.Json;
using PartnerMesh.PartnerPortal.Api.Attribution;
using Xunit;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>With <c>PartnerPortal:PublicBaseUrl</c> set, tracking URLs use it whatever host the request came to.</summary>
public class ConfiguredTrackingUrlTests(PublicBaseUrlPortalFactory factory) : IClassFixture<PublicBaseUrlPortalFactory>
{
    [Fact]
    public async Task LinksPageAndBff_UseTheConfiguredPublicBaseUrl_NotTheForwardedHost()
    {
        var partner = await factory.SignInNewPartnerAsync();
        var code = FakeAttribution.CodeOf(partner.PartnerId);

        var html = await TrackingUrlTests.GetThroughGatewayAsync(partner.Browser.Http, LinksPage.Path, "partners.shop.example");
        using var codes = JsonDocument.Parse(await TrackingUrlTests.GetThroughGatewayAsync(partner.Browser.Http, "/portal/api/codes", "partners.shop.example"));

        Assert.Contains($"<a href=\"https://go.shop.example/r/{code}\">https://go.shop.example/r/{code}</a>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("partners.shop.example", html, StringComparison.Ordinal);
        Assert.Equal($"https://go.shop.example/r/{code}", codes.RootElement.GetProperty("items")[0].GetProperty("trackingUrl").GetString());
    }
}
