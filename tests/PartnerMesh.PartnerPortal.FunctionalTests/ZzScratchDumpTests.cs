using Xunit;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

public class ZzScratchDumpTests(PortalApiFactory factory) : IClassFixture<PortalApiFactory>
{
    [Fact]
    public async Task Dump()
    {
        var browser = new PortalBrowser(factory);
        await File.WriteAllTextAsync("/tmp/portal-login.html", await browser.GetPageAsync("/portal/login"), TestContext.Current.CancellationToken);
        var r = await browser.SignInAsync("nobody@x.example", "wrong password here");
        await File.WriteAllTextAsync("/tmp/portal-login-error.html", await r.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);
        var partner = await factory.SignInNewPartnerAsync("Müller & Söhne Deals");
        await File.WriteAllTextAsync("/tmp/portal-dashboard.html", await partner.Browser.GetPageAsync("/portal/"), TestContext.Current.CancellationToken);
        factory.Analytics.FailWith = System.Net.HttpStatusCode.ServiceUnavailable;
        await File.WriteAllTextAsync("/tmp/portal-dashboard-down.html", await partner.Browser.GetPageAsync("/portal/"), TestContext.Current.CancellationToken);
    }
}
