using Microsoft.EntityFrameworkCore;
using PartnerMesh.Analytics.Api.Infrastructure;

namespace PartnerMesh.Analytics.Api.Kpis;

/// <summary>
/// Adds increments to a partner's day in one statement each. <c>INSERT ... ON CONFLICT DO UPDATE</c> takes the row lock,
/// so concurrent consumers serialize on the row instead of overwriting each other's read-modify-write. Every consumer
/// locks the click's row first, then partner days in (partner, day) order, then sales, so two never deadlock.
/// </summary>
public static class KpiStore
{
    public static DateOnly UtcDay(DateTimeOffset moment) => DateOnly.FromDateTime(moment.UtcDateTime);

    /// <summary>
    /// Counts a click on its UTC day, once per click id (a click republished under a new event id is not counted again),
    /// with the orders from it that arrived before it did.
    /// </summary>
    /// <returns><c>false</c> when the click had already been counted.</returns>
    public static async Task<bool> AddClickAsync(
        this AnalyticsDbContext db, Guid clickId, Guid partnerId, DateOnly day, DateTimeOffset now, CancellationToken cancellationToken) =>
        (await db.AddClicksAsync([(clickId, partnerId, day)], now, cancellationToken)).Count == 1;

    /// <summary>
    /// The batch form of <see cref="AddClickAsync"/>: one statement for the clicks' rows (locked in click id order), then
    /// one increment per partner day, in (partner, day) order.
    /// </summary>
    /// <returns>The clicks counted now (not counted before).</returns>
    public static async Task<IReadOnlyList<Guid>> AddClicksAsync(
        this AnalyticsDbContext db, IReadOnlyList<(Guid ClickId, Guid PartnerId, DateOnly Day)> clicks, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var distinct = clicks.DistinctBy(click => click.ClickId).OrderBy(click => click.ClickId).ToList();
        var clickIds = distinct.Select(click => click.ClickId).ToArray();
        var partnerIds = distinct.Select(click => click.PartnerId).ToArray();
        var days = distinct.Select(click => click.Day).ToArray();
        var counted = await db.Database.SqlQuery<CountedClick>(
                $"""
                INSERT INTO click_conversions (click_id, partner_id, day, orders, updated_at)
                SELECT click.click_id, click.partner_id, click.day, 0, {now}
                FROM unnest({clickIds}, {partnerIds}, {days}) AS click(click_id, partner_id, day)
                ORDER BY click.click_id
                ON CONFLICT (click_id) DO UPDATE SET
                    partner_id = EXCLUDED.partner_id,
                    day = EXCLUDED.day,
                    updated_at = EXCLUDED.updated_at
                    WHERE click_conversions.day IS NULL
                RETURNING click_id, partner_id, day, orders
                """)
            .ToListAsync(cancellationToken);

        foreach (var partnerDay in counted.GroupBy(click => (click.PartnerId, Day: click.Day!.Value)).OrderBy(group => group.Key))
        {
            var increment = partnerDay.Aggregate(
                default(KpiIncrement), (sum, click) => sum + KpiIncrement.Click + FromClick(click.Orders, converts: click.Orders > 0));
            await db.AddToDailyKpisAsync(partnerDay.Key.PartnerId, partnerDay.Key.Day, increment, now, cancellationToken);
        }

        return [.. counted.Select(click => click.ClickId)];
    }

    /// <summary>
    /// Counts an attributed order on its UTC day with its money in its currency, and, when it came from a click, on the
    /// click's day as an order from that click (the click converts with its first order). While the click has not been
    /// counted yet, <see cref="AddClickAsync"/> adds the click's orders when it is.
    /// </summary>
    public static async Task AddOrderAsync(
        this AnalyticsDbContext db,
        Guid partnerId,
        DateOnly orderDay,
        Guid? clickId,
        string currency,
        decimal revenue,
        decimal commission,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var increments = new List<(Guid PartnerId, DateOnly Day, KpiIncrement Increment)> { (partnerId, orderDay, KpiIncrement.Order) };
        if (clickId is { } id)
        {
            var click = (await db.Database.SqlQuery<ClickTally>(
                    $"""
                    INSERT INTO click_conversions (click_id, partner_id, day, orders, updated_at)
                    VALUES ({id}, {partnerId}, NULL, 1, {now})
                    ON CONFLICT (click_id) DO UPDATE SET
                        orders = click_conversions.orders + 1,
                        updated_at = EXCLUDED.updated_at
                    RETURNING partner_id, day, orders
                    """)
                .ToListAsync(cancellationToken)).Single();
            if (click.Day is { } clickDay)
            {
                increments.Add((click.PartnerId, clickDay, FromClick(1, converts: click.Orders == 1)));
            }
        }

        foreach (var row in increments.GroupBy(row => (row.PartnerId, row.Day)).OrderBy(row => row.Key))
        {
            var increment = row.Aggregate(default(KpiIncrement), (sum, next) => sum + next.Increment);
            await db.AddToDailyKpisAsync(row.Key.PartnerId, row.Key.Day, increment, now, cancellationToken);
        }

        await db.AddToDailySalesAsync(partnerId, orderDay, currency, revenue, commission, now, cancellationToken);
    }

    public static Task AddToDailyKpisAsync(
        this AnalyticsDbContext db,
        Guid partnerId,
        DateOnly day,
        KpiIncrement increment,
        DateTimeOffset now,
        CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO partner_daily_kpis (partner_id, day, clicks, orders, converted_clicks, orders_from_clicks, updated_at)
            VALUES ({partnerId}, {day}, {increment.Clicks}, {increment.Orders}, {increment.ConvertedClicks}, {increment.OrdersFromClicks}, {now})
            ON CONFLICT (partner_id, day) DO UPDATE SET
                clicks = partner_daily_kpis.clicks + EXCLUDED.clicks,
                orders = partner_daily_kpis.orders + EXCLUDED.orders,
                converted_clicks = partner_daily_kpis.converted_clicks + EXCLUDED.converted_clicks,
                orders_from_clicks = partner_daily_kpis.orders_from_clicks + EXCLUDED.orders_from_clicks,
                updated_at = EXCLUDED.updated_at
            """,
            cancellationToken);

    /// <summary>Adds one order's amount and commission to the partner's sales of the day in the order's currency.</summary>
    public static Task AddToDailySalesAsync(
        this AnalyticsDbContext db,
        Guid partnerId,
        DateOnly day,
        string currency,
        decimal revenue,
        decimal commission,
        DateTimeOffset now,
        CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO partner_daily_sales (partner_id, day, currency, orders, revenue, commission, updated_at)
            VALUES ({partnerId}, {day}, {currency}, 1, {revenue}, {commission}, {now})
            ON CONFLICT (partner_id, day, currency) DO UPDATE SET
                orders = partner_daily_sales.orders + 1,
                revenue = partner_daily_sales.revenue + EXCLUDED.revenue,
                commission = partner_daily_sales.commission + EXCLUDED.commission,
                updated_at = EXCLUDED.updated_at
            """,
            cancellationToken);

    /// <summary>What orders from a click add to the click's day; the click's first order converts it.</summary>
    private static KpiIncrement FromClick(long orders, bool converts) =>
        new(0, 0, ConvertedClicks: converts ? 1 : 0, OrdersFromClicks: orders);

    /// <summary>A click's row as counted: with the orders from it that arrived first.</summary>
    private sealed class CountedClick
    {
        public Guid ClickId { get; init; }

        public Guid PartnerId { get; init; }

        public DateOnly? Day { get; init; }

        public long Orders { get; init; }
    }

    /// <summary>A click's row after an order was added to it.</summary>
    private sealed class ClickTally
    {
        public Guid PartnerId { get; init; }

        public DateOnly? Day { get; init; }

        public long Orders { get; init; }
    }
}
