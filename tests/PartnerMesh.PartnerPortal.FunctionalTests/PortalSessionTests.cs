using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerMesh.PartnerPortal.Api.Portal;
using PartnerMesh.PartnerPortal.Api.SignInSecurity;
using Xunit;
using static PartnerMesh.PartnerPortal.FunctionalTests.DataProtectionKeyRingTests;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>
/// A session cookie is honoured only while its server-side session lives: logging out ends it for every copy of the
/// cookie at once, and the session's expiry slides with the cookie's.
/// </summary>
public sealed class PortalSessionTests(FakeClockPortalApiFactory factory) : IClassFixture<FakeClockPortalApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SignOut_ACopiedSessionCookie_IsRefusedFromThenOn()
    {
        var (partner, copied) = await SignInAsync(factory);
        Assert.Equal(HttpStatusCode.OK, (await WithCookieAsync(copied, "/portal/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await WithCookieAsync(copied, "/portal/api/commissions")).StatusCode);

        var signedOut = await partner.Browser.SignOutAsync();

        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await WithCookieAsync(copied, "/portal/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await WithCookieAsync(copied, "/portal/api/commissions")).StatusCode);
        var page = await WithCookieAsync(copied, "/portal/");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal(PortalSession.LoginPath, page.Headers.Location?.OriginalString);
        Assert.False(await factory.QueryDbAsync(db => db.Sessions.AnyAsync(session => session.AccountId == partner.AccountId, Ct)));
    }

    [Fact]
    public async Task SignOut_EndsOnlyThatSession_NotTheAccountsOtherSignIns()
    {
        var partner = await factory.SignInNewPartnerAsync();
        var otherBrowser = new PortalBrowser(factory);
        await otherBrowser.SignInSuccessfullyAsync(partner.Email, AdminApi.StrongPassword);

        await partner.Browser.SignOutAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, (await partner.Browser.GetAsync("/portal/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await otherBrowser.GetAsync("/portal/api/me")).StatusCode);
    }

    [Fact]
    public async Task Session_InUse_OutlivesItsFirstEightHours_AndEndsAfterEightIdleHours_ThenIsPurged()
    {
        var partner = await factory.SignInNewPartnerAsync();

        // Past half its lifetime the cookie is renewed, and the server-side session with it.
        factory.Clock.Advance(TimeSpan.FromHours(5));
        Assert.Equal(HttpStatusCode.OK, (await partner.Browser.GetAsync("/portal/api/me")).StatusCode);
        factory.Clock.Advance(TimeSpan.FromHours(5));
        Assert.Equal(HttpStatusCode.OK, (await partner.Browser.GetAsync("/portal/api/me")).StatusCode);

        factory.Clock.Advance(PortalSession.Lifetime + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await partner.Browser.GetAsync("/portal/api/me")).StatusCode);
        // Moving the clock may already have run the background cleanup; running it again is harmless.
        await factory.Services.GetRequiredService<SignInSecurityCleanup>().PurgeAsync(Ct);
        Assert.False(await factory.QueryDbAsync(db => db.Sessions.AnyAsync(session => session.AccountId == partner.AccountId, Ct)));
    }

    private async Task<HttpResponseMessage> WithCookieAsync(string cookie, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", $"{PortalSession.CookieName}={cookie}");
        return await factory.CreateAnonymousClient().SendAsync(request, Ct);
    }
}
