using System.Net;
using PartnerMesh.PartnerPortal.Api.Portal;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

public class AnalyticsUnavailableTests(PortalApiFactory factory) : IClassFixture<PortalApiFactory>
{
    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.Unauthorized)]
    public async Task Dashboard_WhenAnalyticsFails_ShowsAFriendlyMessage(HttpStatusCode failure)
    {
        var partner = await factory.SignInNewPartnerAsync("Steady Partner");
        factory.Analytics.FailWith = failure;
        try
        {
            var html = await partner.Browser.GetPageAsync("/portal/");

            Assert.Contains("<h1>Steady Partner</h1>", html, StringComparison.Ordinal);
            Assert.Contains(PortalPages.UnavailableMessage, html, StringComparison.Ordinal);
            Assert.DoesNotContain("<table>", html, StringComparison.Ordinal);
        }
        finally
        {
            factory.Analytics.FailWith = null;
        }
    }

    [Fact]
    public async Task Kpis_WhenAnalyticsFails_Returns503Problem()
    {
        var partner = await factory.SignInNewPartnerAsync();
        factory.Analytics.FailWith = HttpStatusCode.ServiceUnavailable;
        try
        {
            var response = await partner.Browser.GetAsync("/portal/api/kpis");

            await response.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
        }
        finally
        {
            factory.Analytics.FailWith = null;
        }
    }
}
