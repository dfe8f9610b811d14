using System.Net;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.ServiceDefaults.Security;
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
        var started = DateTime.UtcNow;

        using var response = await factory.CreateAnonymousClient().GetAsync($"/r/{link.Code}", Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("https://shop.example/no-cache?", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), "a dead cache must not hold the redirect");
        var clickId = Guid.Parse(AttributionClientExtensions.QueryValue(response.Headers.Location, "pm_click")!);
        Assert.True(await factory.QueryDbAsync(db => db.Clicks.AnyAsync(click => click.Id == clickId, Ct)));
    }
}
