using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.Outbox;

namespace PartnerMesh.Analytics.Api.Aggregation;

/// <summary>
/// Time-based decisions, written to the log like any event (so a replay rebuilds them): a cart with items and neither
/// activity nor order for <see cref="CartAbandonmentOptions.IdleTime"/> is abandoned (and <c>CartAbandoned</c> is
/// published through the outbox in the same transaction) — idle since the server took in its latest activity
/// (<see cref="CartFact.LastSeenAt"/>), never since a time the storefront claims; a buyer without an order for
/// <see cref="SegmentOptions.LapsedAfter"/> is lapsed; events still waiting for a click older than
/// <see cref="AnalyticsOptions.UnlinkedClickRetention"/> are forgotten. Decided only from aggregated state with no pending event of the
/// cart, under the aggregation lock.
/// </summary>
public sealed class Sweeper(AnalyticsDbContext db, IOptions<AnalyticsOptions> options, AggregationSignal signal, TimeProvider timeProvider, ILogger<Sweeper> logger)
{
    public const int BatchSize = 500;

    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = timeProvider.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await Aggregator.TryLockAsync(db, cancellationToken))
        {
            return 0;
        }

        var idleBefore = now - settings.CartAbandonment.IdleTime;
        var carts = await db.Carts
            .FromSql($"""
                SELECT c.* FROM carts c
                WHERE c.status = {CartStatuses.Open} AND c.counted AND c.items > 0 AND c.last_seen_at <= {idleBefore}
                  AND NOT EXISTS (SELECT 1 FROM raw_events r WHERE r.aggregated_at IS NULL AND r.payload->>'cartId' = c.cart_id)
                ORDER BY c.last_seen_at
                LIMIT {BatchSize}
                """)
            .AsNoTracking()
            .ToListAsync(cancellationToken);

        var abandoned = carts
            .Select(cart => (Cart: cart, EventId: $"cart_abandoned:{cart.CartId}:{cart.LastActivityAt.UtcTicks}", Event: new AnalyticsEvent
            {
                Type = EventTypes.CartAbandoned,
                OccurredAt = cart.LastSeenAt + settings.CartAbandonment.IdleTime,
                CartId = cart.CartId,
                VisitorId = cart.VisitorId,
                CustomerId = cart.CustomerId,
                Amount = cart.Total,
                Currency = cart.Currency,
            }))
            .ToList();
        var inserted = await db.AppendAsync(EventSources.Analytics, abandoned.Select(a => (a.EventId, a.Event)).ToList(), now, cancellationToken);
        foreach (var (cart, eventId, _) in abandoned.Where(a => inserted.Contains(a.EventId)))
        {
            db.AddIntegrationEvent(new Contracts.Analytics.CartAbandoned
            {
                EventId = Guid.NewGuid(),
                OccurredAt = now,
                CartId = cart.CartId,
                VisitorId = cart.VisitorId,
                CartTotal = cart.Total,
                Currency = cart.Currency ?? "XXX",
                LastActivityAt = cart.LastActivityAt,
                CustomerId = cart.CustomerId,
                Email = cart.Email,
            });
        }

        var lapsedBefore = now - settings.Segments.LapsedAfter;
        var lapsed = await db.Customers.AsNoTracking()
            .Where(customer => !customer.Lapsed && customer.Orders > 0 && customer.LastOrderAt <= lapsedBefore)
            .OrderBy(customer => customer.LastOrderAt)
            .Take(BatchSize)
            .Select(customer => new { customer.CustomerId, customer.LastOrderAt })
            .ToListAsync(cancellationToken);
        var lapsedInserted = await db.AppendAsync(
            EventSources.Analytics,
            lapsed.Select(customer => (
                    $"customer_lapsed:{customer.CustomerId}:{customer.LastOrderAt!.Value.UtcTicks}",
                    new AnalyticsEvent
                    {
                        Type = EventTypes.CustomerLapsed,
                        OccurredAt = customer.LastOrderAt!.Value + settings.Segments.LapsedAfter,
                        CustomerId = customer.CustomerId,
                    }))
                .ToList(),
            now,
            cancellationToken);

        var unlinkedBefore = now - settings.UnlinkedClickRetention;
        await db.UnlinkedClickEvents.Where(unlinked => unlinked.OccurredAt < unlinkedBefore).ExecuteDeleteAsync(cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        var decided = inserted.Count + lapsedInserted.Count;
        if (decided > 0)
        {
            logger.LogInformation("Decided {Carts} abandoned cart(s) and {Customers} lapsed customer(s)", inserted.Count, lapsedInserted.Count);
            signal.Notify();
        }

        return decided;
    }
}
