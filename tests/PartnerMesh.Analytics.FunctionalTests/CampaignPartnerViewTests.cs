using System.Net;
using System.Net.Http.Json;
using PartnerMesh.Analytics.Api.Campaigns;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>A partner reads the campaigns it takes part in without learning who else does: its own id is the only one it sees.</summary>
public class CampaignPartnerViewTests(AnalyticsApiFactory factory) : IClassFixture<AnalyticsApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PartnerReadingASharedCampaign_SeesOnlyItsOwnId_InTheListAndTheDetail_AdminsSeeEveryPartner()
    {
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());
        var request = new SaveCampaignRequest("Shared", $"shared-{Guid.NewGuid():N}", new DateOnly(2025, 11, 1), new DateOnly(2025, 11, 30), [a, b], null, null, "EUR");
        var created = await (await factory.CreateClientWithScopes(PartnerMeshScopes.Admin).PostAsJsonAsync("/api/analytics/campaigns", request, Ct))
            .ShouldBeAsync<CampaignResponse>(HttpStatusCode.Created);
        Assert.Equal([a, b], created.PartnerIds);

        foreach (var partner in new[] { a, b })
        {
            var client = factory.CreatePartnerClient(partner);
            var detail = await client.GetAsync($"/api/analytics/campaigns/{created.Id}", Ct).ShouldBeOkAsync<CampaignResponse>();
            var listed = Assert.Single((await client.GetAsync("/api/analytics/campaigns?from=2025-11-01&to=2025-11-30", Ct).ShouldBeOkAsync<CampaignPage>()).Items,
                c => c.Id == created.Id);
            Assert.Equal([partner], detail.PartnerIds);
            Assert.Equal([partner], listed.PartnerIds);
        }

        var admin = await factory.CreateClientWithScopes(PartnerMeshScopes.Admin).GetAsync($"/api/analytics/campaigns/{created.Id}", Ct).ShouldBeOkAsync<CampaignResponse>();
        Assert.Equal([a, b], admin.PartnerIds);
        await (await factory.CreatePartnerClient(Guid.NewGuid()).GetAsync($"/api/analytics/campaigns/{created.Id}", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }
}
