using System.Net;
using PartnerMesh.PartnerPortal.Api.Portal;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

public class AnalyticsUnreachableTests(UnreachableAnalyticsPortalFactory factory) : IClassFixture<UnreachableAnalyticsPortalFactory>
{
    [Fact]
    public async Task Dashboard_WhenAnalyticsIsDown_ShowsAFriendlyMessageNotAnError()
    {
        var partner = await factory.SignInNewPartnerAsync("Offline Partner");

        var html = await partner.Browser.GetPageAsync("/portal/");

        Assert.Contains("<h1>Offline Partner</h1>", html, StringComparison.Ordinal);
        Assert.Contains(PortalPages.UnavailableMessage, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kpis_WhenAnalyticsIsDown_Returns503Problem()
    {
        var partner = await factory.SignInNewPartnerAsync();

        var response = await partner.Browser.GetAsync("/portal/api/kpis");

        await response.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
    }
}
