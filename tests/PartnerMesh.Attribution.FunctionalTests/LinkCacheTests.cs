using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerMesh.Attribution.Api.Links;
using PartnerMesh.Redis;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using StackExchange.Redis;
using Xunit;

namespace PartnerMesh.Attribution.FunctionalTests;

public class LinkCacheTests(AttributionApiFactory factory) : IClassFixture<AttributionApiFactory>
{
    private readonly HttpClient _admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
    private readonly HttpClient _shopper = factory.CreateAnonymousClient();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IDatabase Redis => factory.Services.GetRequiredService<RedisConnection>().GetDatabase();

    [Fact]
    public async Task FollowLink_AfterAMiss_CachesTheLinkWithAFiveMinuteTtl()
    {
        var partner = await _admin.CreatePartnerAsync();
        var link = await _admin.CreateLinkAsync(partner.Id);
        await Redis.KeyDeleteAsync(LinkCache.KeyFor(link.Code));

        await _shopper.ClickAsync(link.Code);

        var ttl = await Redis.KeyTimeToLiveAsync(LinkCache.KeyFor(link.Code));
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));
        var cached = (string?)await Redis.StringGetAsync(LinkCache.KeyFor(link.Code));
        Assert.Contains(link.TargetUrl, cached, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FollowLink_WhenCached_DoesNotReadTheLinkFromPostgres()
    {
        var partner = await _admin.CreatePartnerAsync();
        var link = await _admin.CreateLinkAsync(partner.Id, "https://shop.example/cached");
        await _shopper.ClickAsync(link.Code);
        // Change the row behind the service's back: only a cache hit can still answer with the old target.
        await factory.QueryDbAsync(db => db.Links.Where(l => l.Id == link.Id)
            .ExecuteUpdateAsync(update => update.SetProperty(l => l.TargetUrl, "https://shop.example/from-postgres"), Ct));

        using var response = await _shopper.GetAsync($"/r/{link.Code}", Ct);

        Assert.StartsWith("https://shop.example/cached?", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateLink_NewTarget_NextRedirectUsesIt()
    {
        var partner = await _admin.CreatePartnerAsync();
        var link = await _admin.CreateLinkAsync(partner.Id, "https://shop.example/old");
        await _shopper.ClickAsync(link.Code);

        var update = await _admin.PutAsJsonAsync(
            $"/api/attribution/partners/{partner.Id}/links/{link.Id}", new { targetUrl = "https://shop.example/new" }, Ct);
        using var response = await _shopper.GetAsync($"/r/{link.Code}", Ct);

        Assert.Equal("https://shop.example/new", (await update.ShouldBeAsync<LinkResponse>(HttpStatusCode.OK)).TargetUrl);
        Assert.StartsWith("https://shop.example/new?", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateLink_Deactivated_RedirectReturns404AndReactivationRestoresIt()
    {
        var partner = await _admin.CreatePartnerAsync();
        var link = await _admin.CreateLinkAsync(partner.Id);
        await _shopper.ClickAsync(link.Code);
        var url = $"/api/attribution/partners/{partner.Id}/links/{link.Id}";

        (await _admin.PutAsJsonAsync(url, new { targetUrl = link.TargetUrl, active = false }, Ct)).EnsureSuccessStatusCode();
        using var whileInactive = await _shopper.GetAsync($"/r/{link.Code}", Ct);
        (await _admin.PutAsJsonAsync(url, new { targetUrl = link.TargetUrl, active = true }, Ct)).EnsureSuccessStatusCode();
        using var afterReactivation = await _shopper.GetAsync($"/r/{link.Code}", Ct);

        await whileInactive.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.Redirect, afterReactivation.StatusCode);
    }

    [Fact]
    public async Task FollowLink_UnknownCode_IsNotCachedSoALinkCreatedLaterWorksAtOnce()
    {
        var partner = await _admin.CreatePartnerAsync();
        var code = AttributionClientExtensions.UniqueCode("later");

        using var before = await _shopper.GetAsync($"/r/{code}", Ct);
        var cachedMiss = await Redis.KeyExistsAsync(LinkCache.KeyFor(code));
        await _admin.CreateLinkAsync(partner.Id, "https://shop.example/later", code);
        using var after = await _shopper.GetAsync($"/r/{code}", Ct);

        await before.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        Assert.False(cachedMiss);
        Assert.StartsWith("https://shop.example/later?", after.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FollowLink_CacheNamesALinkPostgresDoesNotHave_AnswersFromPostgres()
    {
        var partner = await _admin.CreatePartnerAsync();
        var link = await _admin.CreateLinkAsync(partner.Id, "https://shop.example/truth");
        var stale = new CachedLink(Guid.NewGuid(), partner.Id, link.Code, "https://stale.example/", Active: true);
        await Redis.StringSetAsync(LinkCache.KeyFor(link.Code), System.Text.Json.JsonSerializer.Serialize(stale), LinkCache.TimeToLive);

        using var response = await _shopper.GetAsync($"/r/{link.Code}", Ct);

        Assert.StartsWith("https://shop.example/truth?", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Contains("https://shop.example/truth", (string?)await Redis.StringGetAsync(LinkCache.KeyFor(link.Code)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FollowLink_CachedCodeWithNoLinkInPostgres_Returns404()
    {
        var code = AttributionClientExtensions.UniqueCode("ghost");
        var ghost = new CachedLink(Guid.NewGuid(), Guid.NewGuid(), code, "https://ghost.example/", Active: true);
        await Redis.StringSetAsync(LinkCache.KeyFor(code), System.Text.Json.JsonSerializer.Serialize(ghost), LinkCache.TimeToLive);

        using var response = await _shopper.GetAsync($"/r/{code}", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        Assert.False(await Redis.KeyExistsAsync(LinkCache.KeyFor(code)));
    }
}
