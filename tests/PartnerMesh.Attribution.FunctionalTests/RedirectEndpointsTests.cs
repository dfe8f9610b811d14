using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using PartnerMesh.Attribution.Api.Clicks;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Outbox;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Attribution.FunctionalTests;

public class RedirectEndpointsTests(AttributionApiFactory factory) : IClassFixture<AttributionApiFactory>
{
    private readonly HttpClient _admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
    private readonly HttpClient _shopper = factory.CreateAnonymousClient();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FollowLink_KnownCode_RecordsClickAndRedirectsWithClickIdAndUtm()
    {
        var partner = await _admin.CreatePartnerAsync();
        var link = await _admin.CreateLinkAsync(partner.Id, "https://shop.example/landing?ref=home&utm_source=default#top");
        using var request = new HttpRequestMessage(HttpMethod.Get,
            $"/r/{link.Code}?utm_source=instagram&utm_medium=social&utm_campaign=spring%20sale&utm_term=shoes&utm_content=story&gclid=G-123&fbclid=F-1");
        request.Headers.Referrer = new Uri("https://instagram.example/p/42");
        request.Headers.UserAgent.ParseAdd("TestBrowser/1.0");

        using var response = await _shopper.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith("https://shop.example/landing?ref=home&", location.OriginalString, StringComparison.Ordinal);
        Assert.EndsWith("#top", location.OriginalString, StringComparison.Ordinal);
        var clickId = AttributionClientExtensions.ClickIdOf(response);
        Assert.Equal("instagram", AttributionClientExtensions.QueryValue(location, "utm_source"));
        Assert.Equal("social", AttributionClientExtensions.QueryValue(location, "utm_medium"));
        Assert.Equal("spring sale", AttributionClientExtensions.QueryValue(location, "utm_campaign"));
        Assert.Single(location.Query.Split('&'), pair => pair.Contains("utm_source", StringComparison.Ordinal));
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());

        var click = await factory.QueryDbAsync(db => db.Clicks.SingleAsync(click => click.Id == clickId, Ct));
        Assert.Equal((link.Id, partner.Id, link.Code), (click.LinkId, click.PartnerId, click.Code));
        Assert.Equal(("instagram", "social", "spring sale", "shoes", "story"),
            (click.UtmSource, click.UtmMedium, click.UtmCampaign, click.UtmTerm, click.UtmContent));
        Assert.Equal(("G-123", "F-1", null, null), (click.Gclid, click.Fbclid, click.Msclkid, click.Ttclid));
        Assert.Equal("https://instagram.example/p/42", click.Referrer);
        Assert.Equal("TestBrowser/1.0", click.UserAgent);

        var cookies = SetCookies(response);
        var clickCookie = cookies[TrackingCookies.ClickId];
        Assert.Equal(clickId.ToString(), clickCookie.Value.ToString());
        Assert.Equal(TimeSpan.FromDays(30), clickCookie.MaxAge);
        Assert.True(clickCookie.HttpOnly);
        Assert.Equal(Microsoft.Net.Http.Headers.SameSiteMode.Lax, clickCookie.SameSite);
        var visitorCookie = cookies[TrackingCookies.VisitorId];
        Assert.Equal(click.VisitorId, visitorCookie.Value.ToString());
        Assert.True(Guid.TryParseExact(click.VisitorId, "N", out _));
        Assert.Equal(TimeSpan.FromDays(365), visitorCookie.MaxAge);
        Assert.True(visitorCookie.HttpOnly);
        Assert.Equal(Microsoft.Net.Http.Headers.SameSiteMode.Lax, visitorCookie.SameSite);
    }

    [Fact]
    public async Task FollowLink_RecordsClickRecordedInTheOutbox()
    {
        var partner = await _admin.CreatePartnerAsync();
        var link = await _admin.CreateLinkAsync(partner.Id);

        using var response = await _shopper.GetAsync($"/r/{link.Code}?utm_source=newsletter", Ct);

        var clickId = AttributionClientExtensions.ClickIdOf(response);
        var published = Assert.Single(await factory.OutboxEventsAsync<ClickRecorded>(evt => evt.ClickId == clickId));
        Assert.Equal((partner.Id, link.Id, link.Code, "newsletter"), (published.PartnerId, published.LinkId, published.Code, published.UtmSource));
        Assert.NotNull(published.VisitorId);
        await Eventually.UntilAsync(
            () => factory.QueryDbAsync(db => db.Set<OutboxMessage>().AnyAsync(message => message.Id == published.EventId && message.PublishedAt != null, Ct)),
            because: "the relay publishes the event to the broker");
    }

    [Fact]
    public async Task FollowLink_WithVisitorCookie_KeepsTheVisitorId()
    {
        var partner = await _admin.CreatePartnerAsync();
        var link = await _admin.CreateLinkAsync(partner.Id);
        var visitorId = Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/r/{link.Code}");
        request.Headers.Add(HeaderNames.Cookie, $"{TrackingCookies.VisitorId}={visitorId}");

        using var response = await _shopper.SendAsync(request, Ct);

        var clickId = AttributionClientExtensions.ClickIdOf(response);
        var click = await factory.QueryDbAsync(db => db.Clicks.SingleAsync(click => click.Id == clickId, Ct));
        Assert.Equal(visitorId, click.VisitorId);
    }

    [Fact]
    public async Task FollowLink_TargetWithoutQuery_AddsQuery()
    {
        var partner = await _admin.CreatePartnerAsync();
        var link = await _admin.CreateLinkAsync(partner.Id, "https://shop.example/p");

        using var response = await _shopper.GetAsync($"/r/{link.Code}", Ct);

        Assert.Matches("^https://shop\\.example/p\\?pm_click=[0-9a-f-]{36}$", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task FollowLink_UppercaseCode_FindsTheLink()
    {
        var partner = await _admin.CreatePartnerAsync();
        var link = await _admin.CreateLinkAsync(partner.Id);

        using var response = await _shopper.GetAsync($"/r/{link.Code.ToUpperInvariant()}", Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    [Fact]
    public async Task FollowLink_HostileInput_IsCleanedAndTruncated()
    {
        var partner = await _admin.CreatePartnerAsync();
        var link = await _admin.CreateLinkAsync(partner.Id);
        using var request = new HttpRequestMessage(HttpMethod.Get,
            $"/r/{link.Code}?utm_source=%00ev%0Ail&utm_campaign={new string('c', 1000)}&{TrackingCookies.ClickIdParameter}=forged");
        request.Headers.TryAddWithoutValidation(HeaderNames.UserAgent, new string('u', 5000));
        request.Headers.Add(HeaderNames.Cookie, $"{TrackingCookies.VisitorId}=not-a-visitor-id");

        using var response = await _shopper.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var clickId = AttributionClientExtensions.ClickIdOf(response);
        var click = await factory.QueryDbAsync(db => db.Clicks.SingleAsync(click => click.Id == clickId, Ct));
        Assert.Equal("evil", click.UtmSource);
        Assert.Equal(ClickDetails.MaxParameterLength, click.UtmCampaign!.Length);
        Assert.Equal(ClickDetails.MaxUserAgentLength, click.UserAgent!.Length);
        Assert.NotEqual("not-a-visitor-id", click.VisitorId);
    }

    [Theory]
    [InlineData("no-such-code")]
    [InlineData("x")]
    [InlineData("bad%20code")]
    public async Task FollowLink_UnknownCode_Returns404ProblemAndRecordsNothing(string code)
    {
        var clicksBefore = await factory.QueryDbAsync(db => db.Clicks.CountAsync(Ct));

        using var response = await _shopper.GetAsync($"/r/{code}", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        Assert.False(response.Headers.Contains(HeaderNames.SetCookie));
        Assert.Equal(clicksBefore, await factory.QueryDbAsync(db => db.Clicks.CountAsync(Ct)));
    }

    private static Dictionary<string, SetCookieHeaderValue> SetCookies(HttpResponseMessage response) =>
        SetCookieHeaderValue.ParseList(response.Headers.GetValues(HeaderNames.SetCookie).ToList())
            .ToDictionary(cookie => cookie.Name.ToString(), StringComparer.Ordinal);
}
