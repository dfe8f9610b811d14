using System.Net;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.PartnerPortal.Api.Portal;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>
/// Only a partner whose status is active (attribution's <c>PartnerStatusChanged</c>) uses the portal: a suspended or not
/// yet active partner's accounts do not sign in, and its sessions end on their next request; reinstated, it signs in again.
/// </summary>
public class PartnerSuspensionTests(PortalApiFactory factory) : IClassFixture<PortalApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SignIn_WhenThePartnerIsSuspended_ShowsWhy_AndAfterReinstatement_Succeeds()
    {
        var partnerId = await factory.RegisterPartnerAsync();
        var email = AdminApi.NewEmail();
        await factory.CreateAccountAsync(partnerId, email);
        await ChangeStatusAsync(partnerId, "suspended");
        var browser = new PortalBrowser(factory);

        var suspended = await browser.SignInAsync(email, AdminApi.StrongPassword);
        var wrongPassword = await new PortalBrowser(factory).SignInAsync(email, "not the right password");

        Assert.Equal(HttpStatusCode.Forbidden, suspended.StatusCode);
        Assert.Contains("suspended", await suspended.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.False(suspended.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(cookie => cookie.StartsWith(PortalSession.CookieName + "=", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.StatusCode);
        Assert.DoesNotContain("suspended", await wrongPassword.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/portal/api/me")).StatusCode);

        await ChangeStatusAsync(partnerId, "active");
        await browser.SignInSuccessfullyAsync(email, AdminApi.StrongPassword);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/portal/api/me")).StatusCode);
    }

    [Theory]
    [InlineData("pending")]
    [InlineData("invited")]
    public async Task SignIn_WhenThePartnerIsNotActiveYet_IsRefused(string status)
    {
        var partnerId = await factory.RegisterPartnerAsync();
        var email = AdminApi.NewEmail();
        await factory.CreateAccountAsync(partnerId, email);
        await ChangeStatusAsync(partnerId, status);

        var response = await new PortalBrowser(factory).SignInAsync(email, AdminApi.StrongPassword);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Session_WhenThePartnerIsSuspended_EndsOnItsNextRequest_CallsWithA403Problem_PagesWithTheSignInForm()
    {
        var partner = await factory.SignInNewPartnerAsync();
        var page = new PortalBrowser(factory);
        await page.SignInSuccessfullyAsync(partner.Email, AdminApi.StrongPassword);
        var bystander = await factory.SignInNewPartnerAsync();
        Assert.Equal(HttpStatusCode.OK, (await partner.Browser.GetAsync("/portal/api/me")).StatusCode);

        await ChangeStatusAsync(partner.PartnerId, "suspended");
        var call = await partner.Browser.GetAsync("/portal/api/me");
        var pageView = await page.GetAsync("/portal/earnings");

        var problem = await call.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("Partner not active", problem.Title);
        Assert.Equal(HttpStatusCode.Unauthorized, (await partner.Browser.GetAsync("/portal/api/me")).StatusCode);
        Assert.Equal((HttpStatusCode.Redirect, "/portal/login"), (pageView.StatusCode, pageView.Headers.Location?.OriginalString));
        Assert.Equal(0, await factory.QueryDbAsync(db => db.Sessions.CountAsync(session => session.AccountId == partner.AccountId, Ct)));
        Assert.Equal(HttpStatusCode.OK, (await bystander.Browser.GetAsync("/portal/api/me")).StatusCode);

        await ChangeStatusAsync(partner.PartnerId, "active");
        Assert.Equal(HttpStatusCode.Unauthorized, (await partner.Browser.GetAsync("/portal/api/me")).StatusCode);
        await partner.Browser.SignInSuccessfullyAsync(partner.Email, AdminApi.StrongPassword);
        Assert.Equal(HttpStatusCode.OK, (await partner.Browser.GetAsync("/portal/api/me")).StatusCode);
    }

    [Fact]
    public async Task StatusChanged_ArrivingAfterANewerOne_DoesNotOverwriteIt()
    {
        var partnerId = await factory.RegisterPartnerAsync();
        var email = AdminApi.NewEmail();
        await factory.CreateAccountAsync(partnerId, email);
        var now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

        await ChangeStatusAsync(partnerId, "active", now);
        await factory.PublishAsync(TestEvents.PartnerStatusChanged(partnerId, "suspended", now.AddMinutes(-1)));
        var late = TestEvents.PartnerStatusChanged(partnerId, "pending", now.AddMinutes(-2));
        await factory.PublishAsync(late);
        await Eventually.UntilAsync(() => factory.QueryDbAsync(db => db.Set<PartnerMesh.Outbox.InboxMessage>().AnyAsync(message => message.MessageId == late.EventId && message.Consumer == "RecordPartnerStatusConsumer", Ct)));

        await new PortalBrowser(factory).SignInSuccessfullyAsync(email, AdminApi.StrongPassword);
    }

    /// <summary>Publishes attribution's <c>PartnerStatusChanged</c> and waits until the portal has recorded it.</summary>
    private async Task ChangeStatusAsync(Guid partnerId, string status, DateTimeOffset? occurredAt = null)
    {
        var changed = TestEvents.PartnerStatusChanged(partnerId, status, occurredAt);
        await factory.PublishAsync(changed);
        await Eventually.UntilAsync(() => factory.QueryDbAsync(db => db.PartnerStandings.AnyAsync(
            standing => standing.PartnerId == partnerId && standing.Status == status && standing.ChangedAt == changed.OccurredAt, Ct)));
    }
}
