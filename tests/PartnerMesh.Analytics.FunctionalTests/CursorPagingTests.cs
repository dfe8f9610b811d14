using System.Net;
using System.Net.Http.Json;
using PartnerMesh.Analytics.Api.Campaigns;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.ServiceDefaults.WebApi;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>The campaigns list pages with the cursors it returns and refuses any other (<see cref="CursorPaging"/>).</summary>
public class CursorPagingTests(AnalyticsApiFactory factory) : IClassFixture<AnalyticsApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("after")]
    [InlineData("cursor")]
    public async Task Campaigns_WalkEveryItemOnce_AndRefuseAnotherListsTamperedAndMadeUpCursors(string parameter)
    {
        var partner = Guid.NewGuid();
        using var admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
        foreach (var day in new[] { 3, 1, 1 })
        {
            var request = new SaveCampaignRequest("Paged", $"paged-{Guid.NewGuid():N}", new DateOnly(2025, 10, day), new DateOnly(2025, 10, 20), [partner], null, null, "EUR");
            await (await admin.PostAsJsonAsync("/api/analytics/campaigns", request, Ct)).ShouldBeAsync<CampaignResponse>(HttpStatusCode.Created);
        }

        using var client = factory.CreatePartnerClient(partner);
        var items = await CursorPaging.WalkAsync(client, "/api/analytics/campaigns", limit: 1, parameter: parameter, cancellationToken: Ct);
        Assert.Equal(3, items.Count);

        var own = await CursorPaging.FirstCursorAsync(client, "/api/analytics/campaigns", Ct);
        await CursorPaging.AssertForgeriesRefusedAsync(
            client, "/api/analytics/campaigns", own, Paging.EncodeCursor("attribution.partners", partner), parameter, Ct);
    }
}
