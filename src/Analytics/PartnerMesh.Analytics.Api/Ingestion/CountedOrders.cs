using Microsoft.EntityFrameworkCore;
using PartnerMesh.Analytics.Api.Infrastructure;

namespace PartnerMesh.Analytics.Api.Ingestion;

/// <summary>An order's money as analytics counts it: the amount and currency the first source that told of it gave.</summary>
public sealed record CountedOrder(string OrderId, decimal Amount, string Currency);

/// <summary>
/// What analytics has counted for orders, or will count once the log's pending events are aggregated: an order is counted
/// (orders, revenue) on the amount and currency of the first event that names it, so a later <c>order_completed</c> with
/// other money would change nothing and is refused at ingestion instead (<c>order_already_counted</c>).
/// </summary>
public static class CountedOrders
{
    /// <summary>The log's event types that create an order the first time they name it (see <c>KpiProjector.EnsureOrder</c>).</summary>
    private static readonly string[] OrderCreating =
    [
        EventTypes.OrderCompleted, EventTypes.ConversionAttributed, EventTypes.ConversionReattributed, EventTypes.CouponRedeemed,
        EventTypes.OrderPromotionsVerified, EventTypes.QuoteMismatchDetected,
    ];

    /// <summary>
    /// Holds, until the caller's transaction ends, one advisory lock per order id (taken in one sorted order, so two batches
    /// cannot deadlock): two batches telling of one order are checked and stored one after the other.
    /// </summary>
    public static Task LockAsync(this AnalyticsDbContext db, IReadOnlyCollection<string> orderIds, CancellationToken cancellationToken)
    {
        var ids = orderIds.ToArray();
        return db.Database.ExecuteSqlAsync(
            $"""
            SELECT pg_advisory_xact_lock(locks.key)
            FROM (SELECT DISTINCT hashtextextended('analytics-order:' || id, 0) AS key FROM unnest({ids}) AS id ORDER BY 1) AS locks
            """,
            cancellationToken);
    }

    /// <summary>
    /// The counted money of those of <paramref name="orderIds"/> analytics knows: the order fact once aggregated, else the
    /// first pending event naming the order. One statement, so the aggregator committing in between cannot hide an order.
    /// </summary>
    public static async Task<Dictionary<string, CountedOrder>> ReadAsync(
        this AnalyticsDbContext db, IReadOnlyCollection<string> orderIds, CancellationToken cancellationToken)
    {
        var ids = orderIds.ToArray();
        var counted = await db.Database.SqlQuery<CountedOrder>(
                $"""
                SELECT DISTINCT ON (known.order_id) known.order_id, known.amount, known.currency
                FROM (
                    SELECT o.order_id, o.amount, o.currency, 0 AS source, 0::bigint AS sequence
                    FROM orders o WHERE o.order_id = ANY({ids})
                    UNION ALL
                    SELECT r.payload->>'orderId', COALESCE((r.payload->>'amount')::numeric, 0), COALESCE(r.payload->>'currency', 'XXX'), 1, r.sequence
                    FROM raw_events r
                    WHERE r.aggregated_at IS NULL AND r.type = ANY({OrderCreating}) AND r.payload->>'orderId' = ANY({ids})
                ) AS known
                ORDER BY known.order_id, known.source, known.sequence
                """)
            .ToListAsync(cancellationToken);
        return counted.ToDictionary(order => order.OrderId, StringComparer.Ordinal);
    }
}
