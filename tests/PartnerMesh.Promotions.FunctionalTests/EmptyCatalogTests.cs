using System.Net;
using System.Text.Json.Nodes;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Promotions.FunctionalTests;

/// <summary>A catalog without any promotion (its own database): found by the authorization matrix, listing it was a 500.</summary>
public sealed class EmptyCatalogTests(PromotionsApiFactory factory) : IClassFixture<PromotionsApiFactory>
{
    [Theory]
    [InlineData("/api/promotions/definitions")]
    [InlineData("/api/promotions/definitions?status=active")]
    public async Task ListPromotions_NoPromotionAtAll_ReturnsAnEmptyLastPage(string path)
    {
        using var admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);

        var response = await admin.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.Empty(page["items"]!.AsArray());
        Assert.Null(page["nextCursor"]?.GetValue<string>());
    }
}
