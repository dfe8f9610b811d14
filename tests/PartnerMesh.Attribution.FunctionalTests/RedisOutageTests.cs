using System.Net;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Attribution.FunctionalTests;

public class RedisOutageTests(AttributionApiWithoutRedisFactory factory) : IClassFixture<AttributionApiWithoutRedisFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FollowLink_RedisUnreachable_StillRecordsTheClickAndRedirectsFromPostgres()
    {
        var admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
        var partner = await admin.CreatePartnerAsync();
        var link = await admin.CreateLinkAsync(partner.Id, "https://shop.example/no-cache");

        using var response = await factory.CreateAnonymousClient().GetAsync($"/r/{link.Code}", Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("https://shop.example/no-cache?", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var clickId = AttributionClientExtensions.ClickIdOf(response);
        Assert.True(await factory.QueryDbAsync(db => db.Clicks.AnyAsync(click => click.Id == clickId, Ct)));
    }

    [Fact]
    public async Task Health_RedisUnreachable_IsDegradedButUp()
    {
        var anonymous = factory.CreateAnonymousClient();

        // The bus connects in the background; once it has, only the cache is missing.
        await Eventually.UntilAsync(async () => (await anonymous.GetAsync("/health", Ct)).StatusCode == HttpStatusCode.OK,
            because: "losing the link cache must not take the service out of rotation");
        Assert.Equal("Degraded", await (await anonymous.GetAsync("/health", Ct)).Content.ReadAsStringAsync(Ct));
    }
}
