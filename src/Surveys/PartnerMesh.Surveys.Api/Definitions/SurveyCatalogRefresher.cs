using System.Threading.Channels;
using Microsoft.Extensions.Options;
using PartnerMesh.Redis;
using StackExchange.Redis;

namespace PartnerMesh.Surveys.Api.Definitions;

/// <summary>Keeps every instance's <see cref="SurveyCatalog"/> current: Redis pub/sub after each change, and a poll for
/// notifications lost while Redis was away.</summary>
public sealed class SurveyCatalogRefresher(
    SurveyCatalog catalog, RedisConnection redis, IOptions<SurveysOptions> options, ILogger<SurveyCatalogRefresher> logger)
    : BackgroundService
{
    public static readonly RedisChannel Channel = RedisChannel.Literal("partnermesh:surveys:catalog");

    /// <summary>Tells the other instances to reload; best effort (their poll catches up).</summary>
    public static async Task NotifyAsync(RedisConnection redis)
    {
        try
        {
            await redis.GetDatabase().PublishAsync(Channel, "changed");
        }
        catch (Exception exception) when (RedisOutage.IsUnavailable(exception))
        {
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (!catalog.IsLoaded && !stoppingToken.IsCancellationRequested)
        {
            await RefreshQuietlyAsync(stoppingToken);
            if (!catalog.IsLoaded)
            {
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5_000));
            }
        }

        _ = SubscribeAsync(stoppingToken);
        using var timer = new PeriodicTimer(options.Value.CatalogPollInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await RefreshQuietlyAsync(stoppingToken);
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
            logger.LogWarning(exception, "No survey-catalog notifications from Redis; relying on the {Interval} poll", options.Value.CatalogPollInterval);
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
            await catalog.RefreshAsync(stoppingToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogWarning(exception, "Survey catalog refresh failed; keeping the surveys loaded before");
        }
    }
}
