using System.Net;
using System.Net.Http.Json;
using PartnerMesh.Attribution.Api.Clicks;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Attribution.FunctionalTests;

/// <summary>Whose traffic a click id is: for storefronts and for promotions (its own token), never for partners.</summary>
public class ClickLookupTests(AttributionApiFactory factory) : IClassFixture<AttributionApiFactory>
{
    private readonly HttpClient _admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
    private readonly HttpClient _storefront = factory.CreateClientWithScopes(PartnerMeshScopes.Storefront);
    private readonly HttpClient _promotions = factory.CreateClientWithToken(factory.Tokens.FromIssuer(ServiceTokenIssuers.Promotions, PartnerMeshScopes.Storefront));
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Click_LookedUpById_NamesItsPartner_UnknownIs404_PartnersAreRefused()
    {
        var partner = await _admin.CreatePartnerAsync();
        var link = await _admin.CreateLinkAsync(partner.Id);
        using var redirect = await factory.CreateAnonymousClient().GetAsync($"/r/{link.Code}", Ct);
        var clickId = AttributionClientExtensions.ClickIdOf(redirect);

        var byStorefront = await (await _storefront.GetAsync($"/api/attribution/clicks/{clickId}", Ct)).ShouldBeAsync<ClickLookupResponse>(HttpStatusCode.OK);
        var byPromotions = await (await _promotions.GetAsync($"/api/attribution/clicks/{clickId}", Ct)).ShouldBeAsync<ClickLookupResponse>(HttpStatusCode.OK);

        Assert.Equal((clickId, partner.Id, link.Code), (byStorefront.ClickId, byStorefront.PartnerId, byStorefront.Code));
        Assert.Equal(byStorefront, byPromotions);
        await (await _storefront.GetAsync($"/api/attribution/clicks/{Guid.CreateVersion7()}", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await _storefront.GetAsync("/api/attribution/clicks/not-a-guid", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        var partnerClient = factory.CreatePartnerClient(partner.Id);
        Assert.Equal(HttpStatusCode.Forbidden, (await partnerClient.GetAsync($"/api/attribution/clicks/{clickId}", Ct)).StatusCode);
    }
}
