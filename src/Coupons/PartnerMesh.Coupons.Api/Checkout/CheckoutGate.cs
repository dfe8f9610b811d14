using System.Threading.RateLimiting;
using Npgsql;

namespace PartnerMesh.Coupons.Api.Checkout;

/// <summary>
/// Bounds the storefront calls that use the database at once on this instance, well below its connection pool. A burst
/// (1,000 redemptions of one code at once) would otherwise ask the pool for 1,000 connections: past its size they wait
/// for one, and under load a wait longer than Npgsql's connection timeout (15 s) fails the request as a 503 ("the
/// connection pool has been exhausted") instead of answering it. Here the burst waits in memory, in arrival order, and
/// each call holds a slot only while it reads or writes: a request queued for a group commit (<see cref="UseLanes"/>)
/// gives its slot back, so the batches still carry every request that waits, and the lanes' workers (one connection
/// each), the sweepers and the outbox relay keep the rest of the pool.
/// </summary>
public sealed class CheckoutGate(int slots, int queueLimit) : IDisposable
{
    private readonly ConcurrencyLimiter _limiter = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = slots,
        QueueLimit = queueLimit,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    /// <summary>Half the pool (<c>Maximum Pool Size</c>, 100 by default) unless configured.</summary>
    public static int SlotsFor(string connectionString, int? configured) =>
        configured ?? Math.Max(1, new NpgsqlConnectionStringBuilder(connectionString).MaxPoolSize / 2);

    /// <summary>Waits for a slot; dispose the lease to give it back (disposing twice gives it back once).</summary>
    /// <exception cref="CheckoutGateFullException">More calls wait than the queue holds.</exception>
    public async ValueTask<RateLimitLease> EnterAsync(CancellationToken cancellationToken)
    {
        var lease = await _limiter.AcquireAsync(1, cancellationToken);
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            throw new CheckoutGateFullException();
        }

        return lease;
    }

    /// <summary>
    /// A call the queue has no room for is answered 503 with <c>Retry-After</c> (problem details), not a 500: the instance
    /// is busy, not broken.
    /// </summary>
    public static async ValueTask<object?> RefuseWhenFullAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (CheckoutGateFullException full)
        {
            context.HttpContext.Response.Headers.RetryAfter = "1";
            return TypedResults.Problem(full.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Too many checkout calls waiting");
        }
    }

    public void Dispose() => _limiter.Dispose();
}
