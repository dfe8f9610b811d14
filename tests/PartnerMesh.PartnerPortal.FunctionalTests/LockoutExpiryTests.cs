using System.Net;
using PartnerMesh.PartnerPortal.Api.Accounts;
using Xunit;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

public class LockoutExpiryTests(FakeClockPortalApiFactory factory) : IClassFixture<FakeClockPortalApiFactory>
{
    [Fact]
    public async Task SignIn_FiveMinutesAfterALockout_SucceedsAgain()
    {
        var partnerId = await factory.RegisterPartnerAsync();
        var email = AdminApi.NewEmail();
        await factory.CreateAccountAsync(partnerId, email);
        var browser = new PortalBrowser(factory);
        for (var attempt = 0; attempt < SignInService.MaxFailedAttempts; attempt++)
        {
            await browser.SignInAsync(email, "wrong password");
        }

        factory.Clock.Advance(SignInService.LockoutDuration - TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SignInAsync(email, AdminApi.StrongPassword)).StatusCode);

        factory.Clock.Advance(TimeSpan.FromSeconds(2));
        await browser.SignInSuccessfullyAsync(email, AdminApi.StrongPassword);
    }
}
