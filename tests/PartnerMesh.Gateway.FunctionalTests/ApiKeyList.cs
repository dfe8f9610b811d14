using PartnerMesh.ServiceDefaults.WebApi;
using System.Net;
using PartnerMesh.Gateway.ApiKeys;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Gateway.FunctionalTests;

/// <summary>Reads every page of <c>GET /api/gateway/keys</c>, as a client does.</summary>
internal static class ApiKeyList
{
    public static async Task<(List<ApiKeyResponse> Keys, List<string> Bodies)> AllAsync(HttpClient admin, int limit = ApiKeyPaging.MaxLimit)
    {
        var keys = new List<ApiKeyResponse>();
        var bodies = new List<string>();
        string? cursor = null;
        do
        {
            var response = await admin.GetAsync($"/api/gateway/keys?limit={limit}{(cursor is null ? "" : $"&after={cursor}")}", TestContext.Current.CancellationToken);
            bodies.Add(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            var page = await response.ShouldBeAsync<PageResponse<ApiKeyResponse>>(HttpStatusCode.OK);
            Assert.InRange(page.Items.Count, 0, limit);
            keys.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        return (keys, bodies);
    }
}
