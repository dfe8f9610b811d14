using System.Net;
using System.Text.Json;
using PartnerMesh.PartnerPortal.Api.Attribution;
using Xunit;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>
/// Tracking URLs a partner can paste anywhere: absolute, on the scheme and host the gateway forwards when no public base
/// URL is configured (<see cref="ConfiguredTrackingUrlTests"/> for the configured one).
/// </summary>
public class TrackingUrlTests(PortalApiFactory factory) : IClassFixture<PortalApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LinksPage_ThroughTheGateway_ShowsAbsoluteUrlsOnTheForwardedSchemeAndHost()
    {
        var partner = await factory.SignInNewPartnerAsync();
        var code = FakeAttribution.CodeOf(partner.PartnerId);

        var html = await GetThroughGatewayAsync(partner.Browser.Http, LinksPage.Path, "partners.shop.example");

        Assert.Contains(
            $"<td class=\"text nowrap\"><a href=\"https://partners.shop.example/r/{code}\">https://partners.shop.example/r/{code}</a></td>",
            html,
            StringComparison.Ordinal);
        Assert.DoesNotContain($"href=\"/r/{code}\"", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/portal/api/links")]
    [InlineData("/portal/api/codes")]
    public async Task Bff_ThroughTheGateway_AddsTheAbsoluteTrackingUrlBesideThePath(string path)
    {
        var partner = await factory.SignInNewPartnerAsync();
        var code = FakeAttribution.CodeOf(partner.PartnerId);

        using var page = JsonDocument.Parse(await GetThroughGatewayAsync(partner.Browser.Http, path, "partners.shop.example:8443"));

        var item = page.RootElement.GetProperty("items").EnumerateArray().Single();
        Assert.Equal($"/r/{code}", item.GetProperty("trackingPath").GetString());
        Assert.Equal($"https://partners.shop.example:8443/r/{code}", item.GetProperty("trackingUrl").GetString());
        Assert.Equal(FakeAttribution.SecondPage, page.RootElement.GetProperty("nextCursor").GetString());
    }

    [Fact]
    public async Task LinksPage_CalledDirectlyNotThroughTheGateway_IgnoresForwardedHost()
    {
        var partner = await factory.RegisterPartnerAsync();
        var email = AdminApi.NewEmail();
        await factory.CreateAccountAsync(partner, email);
        var direct = new PortalBrowser(factory.CreateClientFrom(IPAddress.Parse("192.0.2.77")));
        await direct.SignInSuccessfullyAsync(email, AdminApi.StrongPassword);

        var html = await GetThroughGatewayAsync(direct.Http, LinksPage.Path, "evil.example");

        Assert.Contains($"<a href=\"http://localhost/r/{FakeAttribution.CodeOf(partner)}\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain("evil.example", html, StringComparison.Ordinal);
    }

    /// <summary>A GET carrying what the gateway adds when a browser reached it over HTTPS at <paramref name="host"/>.</summary>
    internal static async Task<string> GetThroughGatewayAsync(HttpClient http, string path, string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-Host", host);
        using var response = await http.SendAsync(request, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {body}");
        return body;
    }
}
