using Microsoft.Extensions.Options;
using PartnerMesh.Coupons.Api.Common;
using PartnerMesh.Coupons.Api.Generation;
using PartnerMesh.Redis;

namespace PartnerMesh.Coupons.Api.Offers;

/// <summary>
/// Issues due offers on every instance (rows are claimed with <c>SKIP LOCKED</c>, so instances share the work): woken when
/// this instance schedules one, otherwise every <see cref="CouponsOptions.OfferSchedulerInterval"/>.
/// </summary>
public sealed class OfferScheduler(
    IServiceScopeFactory scopes, OfferSignal signal, TimeProvider timeProvider, IOptions<CouponsOptions> options, RedisOutage outage,
    ILogger<OfferScheduler> logger) : BackgroundService
{
    private const int BatchSize = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
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
}

/// <summary>Wakes this instance's offer scheduler when it scheduled an offer.</summary>
public sealed class OfferSignal : Signal;
