using System.Net;
using PartnerMesh.PartnerPortal.Api.Attribution;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

public class AttributionUnreachableTests(UnreachableAttributionPortalFactory factory) : IClassFixture<UnreachableAttributionPortalFactory>
{
    [Fact]
    public async Task Pages_WhenAttributionIsDown_SayTheirDataIsUnavailable()
    {
        var partner = await factory.SignInNewPartnerAsync();

        var earnings = WebUtility.HtmlDecode(await partner.Browser.GetPageAsync(EarningsPage.Path));
        var links = WebUtility.HtmlDecode(await partner.Browser.GetPageAsync(LinksPage.Path));

        Assert.Contains(EarningsPage.UnavailableMessage, earnings, StringComparison.Ordinal);
        Assert.Contains(EarningsPage.AgreementUnavailableMessage, earnings, StringComparison.Ordinal);
        Assert.Contains(LinksPage.UnavailableMessage, links, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/portal/api/ledger")]
    [InlineData("/portal/api/agreements")]
    public async Task Call_WhenAttributionIsDown_Returns503Problem(string path)
    {
        var partner = await factory.SignInNewPartnerAsync();

        await (await partner.Browser.GetAsync(path)).ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
    }
}
