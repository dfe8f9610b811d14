using Microsoft.Extensions.Options;

namespace PartnerMesh.Coupons.Api.Checkout;

/// <summary>Gives back the uses of reservations whose checkout never completed, on every instance (rows are claimed with
/// <c>SKIP LOCKED</c>, so instances share the work).</summary>
public sealed class ReservationSweeper(IServiceScopeFactory scopes, IOptions<CouponsOptions> options, ILogger<ReservationSweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ReservationSweepInterval);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var checkout = scope.ServiceProvider.GetRequiredService<CheckoutService>();
                int released;
                while ((released = await checkout.ReleaseExpiredAsync(200, stoppingToken)) > 0)
                {
                    logger.LogInformation("Released {Count} expired coupon reservations", released);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "Releasing expired coupon reservations failed; retrying in {Interval}", options.Value.ReservationSweepInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
