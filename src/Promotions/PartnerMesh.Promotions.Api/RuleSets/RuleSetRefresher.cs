using System.Threading.Channels;
using Microsoft.Extensions.Options;
using PartnerMesh.Redis;
using StackExchange.Redis;

namespace PartnerMesh.Promotions.Api.RuleSets;

/// <summary>
/// Keeps every instance on the latest rule set: a Redis pub/sub message after each change reloads within
/// milliseconds; a poll of the version row (<see cref="PromotionsOptions.RuleSetPollInterval"/>) catches any message
/// lost while Redis was away.
/// </summary>
public sealed class RuleSetRefresher(
    RuleSetProvider provider, RedisConnection redis, IOptions<PromotionsOptions> options, ILogger<RuleSetRefresher> logger)
    : BackgroundService
{
    public static readonly RedisChannel Channel = RedisChannel.Literal("partnermesh:promotions:rule-set");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await LoadFirstAsync(stoppingToken);
        _ = SubscribeAsync(stoppingToken);

        using var timer = new PeriodicTimer(options.Value.RuleSetPollInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await RefreshQuietlyAsync(stoppingToken);
        }
    }

    private async Task LoadFirstAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (!provider.IsLoaded && !stoppingToken.IsCancellationRequested)
        {
            await RefreshQuietlyAsync(stoppingToken);
            if (!provider.IsLoaded)
            {
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5_000));
            }
        }
    }

    private async Task SubscribeAsync(CancellationToken stoppingToken)
    {
        ChannelMessageQueue? queue = null;
        try
        {
            var subscriber = await redis.GetSubscriberAsync(stoppingToken);
            queue = await subscriber.SubscribeAsync(Channel);
            while (!stoppingToken.IsCancellationRequested)
            {
                await queue.ReadAsync(stoppingToken);
                await RefreshQuietlyAsync(stoppingToken);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or ChannelClosedException)
        {
        }
        catch (Exception exception) when (exception is RedisException)
        {
            logger.LogWarning(exception, "No rule-set notifications from Redis; relying on the {Interval} poll", options.Value.RuleSetPollInterval);
        }
        finally
        {
            await queue.UnsubscribeQuietlyAsync(logger);
        }
    }

    private async Task RefreshQuietlyAsync(CancellationToken stoppingToken)
    {
        try
        {
            await provider.RefreshAsync(force: false, stoppingToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogWarning(exception, "Rule set refresh failed; keeping rule set {Version}", provider.Current.Version);
        }
    }
}
