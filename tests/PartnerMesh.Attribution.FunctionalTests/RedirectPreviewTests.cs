using System.Net;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Attribution.Api.Clicks;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Attribution.FunctionalTests;

/// <summary>
/// <c>HEAD /r/{code}</c> (link checkers, previews) shows where the link leads: GET's destination with the shopper's UTM
/// values added the same way, and no click id because no click is recorded.
/// </summary>
public sealed class RedirectPreviewTests(AttributionApiFactory factory) : IClassFixture<AttributionApiFactory>
{
    private readonly HttpClient _admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
    private readonly HttpClient _shopper = factory.CreateAnonymousClient();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("https://shop.example/target", "?utm_source=x", "https://shop.example/target?utm_source=x")]
    [InlineData("https://shop.example/target?ref=a&utm_source=partner#top", "?utm_source=x&utm_campaign=spring%20sale",
        "https://shop.example/target?ref=a&utm_source=x&utm_campaign=spring%20sale#top")]
    [InlineData("https://shop.example/target?utm_medium=affiliate", "", "https://shop.example/target?utm_medium=affiliate")]
    [InlineData("https://shop.example/target", "", "https://shop.example/target")]
    public async Task Head_WithUtm_LocationIsGetsWithoutTheClickId(string target, string query, string expected)
    {
        var partner = await _admin.CreatePartnerAsync();
        var link = await _admin.CreateLinkAsync(partner.Id, target);

        using var head = await _shopper.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/r/{link.Code}{query}"), Ct);
        Assert.False(await factory.QueryDbAsync(db => db.Clicks.AnyAsync(click => click.LinkId == link.Id, Ct)));
        using var get = await _shopper.GetAsync($"/r/{link.Code}{query}", Ct);

        Assert.Equal((HttpStatusCode.Redirect, HttpStatusCode.Redirect), (head.StatusCode, get.StatusCode));
        Assert.Equal(expected, head.Headers.Location!.OriginalString);
        var clickId = AttributionClientExtensions.ClickIdOf(get);
        Assert.Equal(TrackingUrl.AppendParameters(expected, [new(TrackingCookies.ClickIdParameter, clickId.ToString())]), get.Headers.Location!.OriginalString);
        Assert.False(head.Headers.Contains("Set-Cookie"));
    }
}
