using PartnerMesh.Redis;
using StackExchange.Redis;

namespace PartnerMesh.Promotions.Api.RuleSets;

/// <summary>After a change commits: reload here at once, and tell the other instances through Redis.</summary>
public sealed class RuleSetNotifier(RuleSetProvider provider, RedisConnection redis, ILogger<RuleSetNotifier> logger)
{
    public async Task ChangedAsync(long version, CancellationToken cancellationToken)
    {
        await provider.RefreshAsync(force: false, cancellationToken);
        try
        {
            await redis.GetDatabase().PublishAsync(RuleSetRefresher.Channel, version);
        }
        catch (RedisException exception)
        {
            logger.LogWarning(exception, "Rule set {Version}: Redis is unavailable, other instances pick it up on their next poll", version);
        }
    }
}
