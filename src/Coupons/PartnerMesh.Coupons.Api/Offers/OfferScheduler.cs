using Microsoft.Extensions.Options;
using PartnerMesh.Coupons.Api.Common;
using PartnerMesh.Coupons.Api.Generation;
using PartnerMesh.Redis;

namespace PartnerMesh.Coupons.Api.Offers;

/// <summary>
/// Issues due offers on every instance (rows are claimed with <c>SKIP LOCKED</c>, so instances share the work): woken when
/// this instance schedules one, otherwise every <see cref="CouponsOptions.OfferSchedulerInterval"/>. Once an hour it also
/// forgets recovered carts past their retention (<see cref="OfferService.PruneRecoveredCartsAsync"/>).
/// </summary>
public sealed class OfferScheduler(
    IServiceScopeFactory scopes, OfferSignal signal, TimeProvider timeProvider, IOptions<CouponsOptions> options, RedisOutage outage,
    ILogger<OfferScheduler> logger) : BackgroundService
{
    private const int BatchSize = 100;
    private static readonly TimeSpan PruneInterval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextPrune = timeProvider.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            if (timeProvider.GetUtcNow() >= nextPrune && await PruneRecoveredCartsAsync(stoppingToken))
            {
                nextPrune = timeProvider.GetUtcNow() + PruneInterval;
            }

            try
            {
                int settled;
                do
                {
                    await using var scope = scopes.CreateAsyncScope();
                    settled = await scope.ServiceProvider.GetRequiredService<OfferService>().IssueDueAsync(Clock.Now(timeProvider), BatchSize, stoppingToken);
                }
                while (settled == BatchSize);
            }
            catch (Exception exception) when (RedisOutage.IsUnavailable(exception))
            {
                if (outage.ShouldWarn())
                {
                    logger.LogWarning(exception, "Offers are waiting: the shared contact-frequency record (Redis) is unreachable");
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "Issuing due offers failed; retrying");
            }

            await signal.WaitAsync(options.Value.OfferSchedulerInterval, stoppingToken);
        }
    }

    private async Task<bool> PruneRecoveredCartsAsync(CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var pruned = await scope.ServiceProvider.GetRequiredService<OfferService>().PruneRecoveredCartsAsync(Clock.Now(timeProvider), stoppingToken);
            if (pruned > 0)
            {
                logger.LogInformation("Forgot {Count} recovered cart(s) past their retention", pruned);
            }

            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogWarning(exception, "Pruning recovered carts failed; retrying");
            return false;
        }
    }
}

/// <summary>Wakes this instance's offer scheduler when it scheduled an offer.</summary>
public sealed class OfferSignal : Signal;
