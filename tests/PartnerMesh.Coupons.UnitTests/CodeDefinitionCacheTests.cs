using Microsoft.Extensions.Options;
using PartnerMesh.Coupons.Api;
using PartnerMesh.Coupons.Api.Campaigns;
using PartnerMesh.Coupons.Api.Checkout;
using PartnerMesh.Coupons.Api.Codes;
using Xunit;

namespace PartnerMesh.Coupons.UnitTests;

/// <summary>Validation's code cache keeps nothing it might not hear a change of.</summary>
public sealed class CodeDefinitionCacheTests
{
    [Fact]
    public void NotSubscribedToChanges_CachesNothing()
    {
        var cache = Cache();

        cache.Set("CODE", Definition(), cache.Generation);

        Assert.False(cache.TryGet("CODE", out _));
    }

    [Fact]
    public void Subscribed_KeepsAndReturnsTheDefinition()
    {
        var cache = Cache();
        cache.Enabled = true;
        var definition = Definition();

        cache.Set("CODE", definition, cache.Generation);

        Assert.True(cache.TryGet("CODE", out var cached));
        Assert.Same(definition, cached);
    }

    [Fact]
    public void ClearedWhileTheDefinitionWasRead_ItIsNotKept()
    {
        var cache = Cache();
        cache.Enabled = true;
        var generation = cache.Generation; // the read starts...

        cache.Clear(); // ...a rotation commits and clears...
        cache.Set("CODE", Definition(), generation); // ...the read, perhaps older than the rotation, ends

        Assert.False(cache.TryGet("CODE", out _));
    }

    [Fact]
    public void SubscriptionLost_ForgetsEverything()
    {
        var cache = Cache();
        cache.Enabled = true;
        cache.Set("CODE", Definition(), cache.Generation);

        cache.Enabled = false;
        cache.Enabled = true;

        Assert.False(cache.TryGet("CODE", out _));
    }

    [Fact]
    public void TimeToLiveZero_CachesNothing()
    {
        var cache = Cache(TimeSpan.Zero);
        cache.Enabled = true;

        cache.Set("CODE", Definition(), cache.Generation);

        Assert.False(cache.TryGet("CODE", out _));
    }

    private static CodeDefinitionCache Cache(TimeSpan? ttl = null) =>
        new(TimeProvider.System, Options.Create(new CouponsOptions { CodeCacheTtl = ttl ?? TimeSpan.FromMinutes(1) }));

    private static CodeDefinition Definition()
    {
        var now = DateTimeOffset.UnixEpoch;
        var campaign = new Campaign { Id = Guid.NewGuid(), Name = "c", PromotionId = Guid.NewGuid(), CreatedAt = now, CreatedBy = "test" };
        return new CodeDefinition(new CouponCode { Id = Guid.NewGuid(), CampaignId = campaign.Id, Code = "CODE", Source = CodeSources.Manual, CreatedAt = now }, campaign);
    }
}
