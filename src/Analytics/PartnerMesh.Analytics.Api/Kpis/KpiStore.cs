using Microsoft.EntityFrameworkCore;
using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.Analytics.Api.Ingestion;

namespace PartnerMesh.Analytics.Api.Kpis;

/// <summary>
/// Adds increments to a partner's day in one statement each. <c>INSERT ... ON CONFLICT DO UPDATE</c> takes the row lock,
/// so concurrent consumers serialize on the row instead of overwriting each other's read-modify-write. Every consumer
/// locks the order's row first (<see cref="AttributedOrder"/>), then the click's, then partner days in (partner, day)
/// order, then sales, so two never deadlock.
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
    /// Counts an attributed order on its UTC day with its money in its currency (net of any refund that came first), and,
    /// when it came from a click, on the click's day as an order from that click (the click converts with its first
    /// order). While the click has not been counted yet, <see cref="AddClickAsync"/> adds the click's orders when it is.
    /// </summary>
    /// <returns><c>false</c> when the order had already been counted (a conversion told again under a new event id).</returns>
    public static async Task<bool> AddOrderAsync(
        this AnalyticsDbContext db,
        string orderId,
        Guid partnerId,
        DateOnly orderDay,
        Guid? clickId,
        string currency,
        decimal revenue,
        decimal commission,
        string? commissionCurrency,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var order = await db.LockAttributedOrderAsync(orderId, now, cancellationToken);
        if (order.Day is not null)
        {
            return false;
        }

        (order.PartnerId, order.ClickId, order.Day, order.Currency, order.Amount, order.Commission, order.UpdatedAt) =
            (partnerId, clickId, orderDay, currency, revenue, commission, now);
        order.CommissionCurrency = commissionCurrency ?? currency;
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

        foreach (var (salesCurrency, sales) in Sales(order).OrderBy(row => row.Key, StringComparer.Ordinal))
        {
            await db.AddToDailySalesAsync(partnerId, orderDay, salesCurrency, sales, now, cancellationToken);
        }

        return true;
    }

    /// <summary>
    /// Moves reattributed orders (<c>ConversionReattributed</c>) to their new partners, on each order's UTC day: out of the
    /// partner the order counts under go its order and its sales as they stand (net of the refunds already netted), and
    /// its click's conversion (the order no longer came from that partner's click); into the new partner's day go the
    /// order and its sales with the new partner's commission, replacing the previous one (reversed in the ledger) and any
    /// rejection of it. Refunds and rejections netted before keep applying to the order; later ones net against the new
    /// partner. Before the order's conversion arrived the reattribution counts the order, and the conversion (the old
    /// credit) then changes nothing. A reattribution decided before the one applied last is stale and changes nothing,
    /// so the outcome does not depend on the arrival order. Locks as <see cref="AddRefundsAsync"/> does, clicks between
    /// the orders and the partner days.
    /// </summary>
    public static async Task ReattributeOrdersAsync(
        this AnalyticsDbContext db,
        IReadOnlyList<(string OrderId, Guid PartnerId, DateOnly OrderDay, string Currency, decimal Revenue, decimal Commission, string? CommissionCurrency, DateTimeOffset DecidedAt)> moves,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var orders = new Dictionary<string, AttributedOrder>(StringComparer.Ordinal);
        foreach (var orderId in moves.Select(move => move.OrderId).Distinct().Order(StringComparer.Ordinal))
        {
            orders[orderId] = await db.LockAttributedOrderAsync(orderId, now, cancellationToken);
        }

        var activity = new List<(Guid PartnerId, DateOnly Day, KpiIncrement Increment)>();
        var changes = new Dictionary<(Guid PartnerId, DateOnly Day, string Currency), SalesIncrement>();
        var unlinkedClicks = new List<Guid>();
        foreach (var move in moves.OrderBy(move => move.DecidedAt))
        {
            var order = orders[move.OrderId];
            if (order.ReattributedAt >= move.DecidedAt)
            {
                continue;
            }

            if (order is { PartnerId: { } previous, Day: { } previousDay })
            {
                activity.Add((previous, previousDay, new KpiIncrement(0, -1)));
                foreach (var (currency, sales) in Sales(order))
                {
                    changes[(previous, previousDay, currency)] = changes.GetValueOrDefault((previous, previousDay, currency)) - sales;
                }
            }

            if (order.ClickId is { } clickId)
            {
                unlinkedClicks.Add(clickId);
            }

            if (order.Day is null)
            {
                (order.Day, order.Currency, order.Amount) = (move.OrderDay, move.Currency, move.Revenue);
            }

            (order.PartnerId, order.ClickId, order.Commission, order.CommissionRejected, order.ReattributedAt, order.UpdatedAt) =
                (move.PartnerId, null, move.Commission, false, move.DecidedAt, now);
            order.CommissionCurrency = move.CommissionCurrency ?? order.Currency;
            var day = order.Day.Value;
            activity.Add((move.PartnerId, day, KpiIncrement.Order));
            foreach (var (currency, sales) in Sales(order))
            {
                changes[(move.PartnerId, day, currency)] = changes.GetValueOrDefault((move.PartnerId, day, currency)) + sales;
            }
        }

        foreach (var clickId in unlinkedClicks.Order())
        {
            var click = (await db.Database.SqlQuery<ClickTally>(
                    $"""
                    UPDATE click_conversions SET orders = orders - 1, updated_at = {now}
                    WHERE click_id = {clickId}
                    RETURNING partner_id, day, orders
                    """)
                .ToListAsync(cancellationToken)).SingleOrDefault();
            if (click?.Day is { } clickDay)
            {
                activity.Add((click.PartnerId, clickDay, new KpiIncrement(0, 0, ConvertedClicks: click.Orders == 0 ? -1 : 0, OrdersFromClicks: -1)));
            }
        }

        foreach (var row in activity.GroupBy(row => (row.PartnerId, row.Day)).OrderBy(row => row.Key))
        {
            var increment = row.Aggregate(default(KpiIncrement), (sum, next) => sum + next.Increment);
            if (increment != default)
            {
                await db.AddToDailyKpisAsync(row.Key.PartnerId, row.Key.Day, increment, now, cancellationToken);
            }
        }

        foreach (var (key, change) in changes.Where(change => change.Value != default)
            .OrderBy(change => change.Key.PartnerId).ThenBy(change => change.Key.Day).ThenBy(change => change.Key.Currency, StringComparer.Ordinal))
        {
            await db.AddToDailySalesAsync(key.PartnerId, key.Day, key.Currency, change, now, cancellationToken);
        }
    }

    /// <summary>
    /// Nets refunds and cancellations out of their orders' daily sales, on each order's day and partner: revenue loses
    /// what was paid back (never more than is left), a cancellation takes the order out of the sales' order count and its
    /// revenue, commission loses what attribution reversed. Before an order's conversion arrived its refunds wait on the
    /// order's row and are netted when it does. The orders' rows are locked first (in order id order), then the sales
    /// rows (in partner, day, currency order), so concurrent batches and conversions never deadlock.
    /// </summary>
    public static async Task AddRefundsAsync(
        this AnalyticsDbContext db,
        IReadOnlyList<(string OrderId, string Kind, decimal Amount, string Currency, decimal CommissionReversed, string? CommissionCurrency)> refunds,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var orders = new Dictionary<string, AttributedOrder>(StringComparer.Ordinal);
        foreach (var orderId in refunds.Select(refund => refund.OrderId).Distinct().Order(StringComparer.Ordinal))
        {
            orders[orderId] = await db.LockAttributedOrderAsync(orderId, now, cancellationToken);
        }

        var changes = new Dictionary<(Guid PartnerId, DateOnly Day, string Currency), SalesIncrement>();
        foreach (var refund in refunds)
        {
            var order = orders[refund.OrderId];
            if (order.Currency is { } orderCurrency && orderCurrency != refund.Currency)
            {
                // Attribution refuses such a refund; if one came, it has no money of this order to net.
                continue;
            }

            var before = Sales(order);
            // The reversal is in the commission's currency; before the conversion came, the refund tells it.
            var commissionCurrency = refund.CommissionCurrency ?? refund.Currency;
            order.CommissionCurrency ??= order.Day is null ? commissionCurrency : order.Currency;
            order.RefundedAmount += refund.Amount;
            order.CommissionReversed += commissionCurrency == order.CommissionCurrency ? refund.CommissionReversed : 0m;
            order.Cancelled |= string.Equals(refund.Kind, RefundKinds.Cancellation, StringComparison.OrdinalIgnoreCase);
            order.UpdatedAt = now;
            if (order is { PartnerId: { } partnerId, Day: { } day })
            {
                var after = Sales(order);
                foreach (var currency in before.Keys.Union(after.Keys))
                {
                    changes[(partnerId, day, currency)] = changes.GetValueOrDefault((partnerId, day, currency))
                        + (after.GetValueOrDefault(currency) - before.GetValueOrDefault(currency));
                }
            }
        }

        foreach (var (key, change) in changes.OrderBy(change => change.Key.PartnerId).ThenBy(change => change.Key.Day).ThenBy(change => change.Key.Currency, StringComparer.Ordinal))
        {
            await db.AddToDailySalesAsync(key.PartnerId, key.Day, key.Currency, change, now, cancellationToken);
        }
    }

    /// <summary>
    /// Takes rejected sale commissions out of their orders' daily sales (<see cref="AttributedOrder.CommissionRejected"/>):
    /// only the sale of the partner the order counts under (a re-attributed order's other partner is not in its rows); one
    /// told before the order's conversion waits on the order's row. Locks as <see cref="AddRefundsAsync"/> does.
    /// </summary>
    public static async Task RejectCommissionsAsync(
        this AnalyticsDbContext db, IReadOnlyList<(string OrderId, Guid PartnerId)> rejections, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var changes = new Dictionary<(Guid PartnerId, DateOnly Day, string Currency), SalesIncrement>();
        foreach (var orderId in rejections.Select(rejection => rejection.OrderId).Distinct().Order(StringComparer.Ordinal))
        {
            var order = await db.LockAttributedOrderAsync(orderId, now, cancellationToken);
            if (order.CommissionRejected || (order.PartnerId is { } credited && rejections.All(r => r.OrderId != orderId || r.PartnerId != credited)))
            {
                continue;
            }

            var before = Sales(order);
            order.CommissionRejected = true;
            order.UpdatedAt = now;
            if (order is { PartnerId: { } partnerId, Day: { } day })
            {
                foreach (var (currency, after) in Sales(order))
                {
                    changes[(partnerId, day, currency)] = changes.GetValueOrDefault((partnerId, day, currency)) + (after - before.GetValueOrDefault(currency));
                }
            }
        }

        foreach (var (key, change) in changes.OrderBy(change => change.Key.PartnerId).ThenBy(change => change.Key.Day).ThenBy(change => change.Key.Currency, StringComparer.Ordinal))
        {
            await db.AddToDailySalesAsync(key.PartnerId, key.Day, key.Currency, change, now, cancellationToken);
        }
    }

    /// <summary>
    /// What an order adds to its partner's daily sales, per currency: nothing before its conversion; in the order's
    /// currency its net revenue, 1 to the order count unless cancelled and its total as placed to the gross revenue; its
    /// commission net of reversals in the commission's currency — the same row, unless a fixed commission was booked in
    /// the program's currency on an order in another (then a row of that currency with the commission alone).
    /// </summary>
    public static Dictionary<string, SalesIncrement> Sales(AttributedOrder order)
    {
        var sales = new Dictionary<string, SalesIncrement>(StringComparer.Ordinal);
        if (order is not { Day: not null, Currency: { } currency })
        {
            return sales;
        }

        var commission = order.CommissionRejected ? 0m : order.Commission - order.CommissionReversed;
        var commissionCurrency = order.CommissionCurrency ?? currency;
        sales[currency] = new SalesIncrement(
            order.Cancelled ? 0 : 1,
            order.Cancelled ? 0m : Math.Max(0m, order.Amount - order.RefundedAmount),
            order.Amount,
            commissionCurrency == currency ? commission : 0m);
        if (commissionCurrency != currency)
        {
            sales[commissionCurrency] = new SalesIncrement(0, 0m, 0m, commission);
        }

        return sales;
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

    /// <summary>Adds an order's sales (or a refund's change to them) to the partner's sales of the day in the order's currency.</summary>
    public static Task AddToDailySalesAsync(
        this AnalyticsDbContext db,
        Guid partnerId,
        DateOnly day,
        string currency,
        SalesIncrement sales,
        DateTimeOffset now,
        CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO partner_daily_sales (partner_id, day, currency, orders, revenue, gross_revenue, commission, updated_at)
            VALUES ({partnerId}, {day}, {currency}, {sales.Orders}, {sales.Revenue}, {sales.GrossRevenue}, {sales.Commission}, {now})
            ON CONFLICT (partner_id, day, currency) DO UPDATE SET
                orders = partner_daily_sales.orders + EXCLUDED.orders,
                revenue = partner_daily_sales.revenue + EXCLUDED.revenue,
                gross_revenue = partner_daily_sales.gross_revenue + EXCLUDED.gross_revenue,
                commission = partner_daily_sales.commission + EXCLUDED.commission,
                updated_at = EXCLUDED.updated_at
            """,
            cancellationToken);

    /// <summary>The order's row, created empty if none yet, locked for the rest of the transaction.</summary>
    private static async Task<AttributedOrder> LockAttributedOrderAsync(
        this AnalyticsDbContext db, string orderId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO attributed_orders (order_id, amount, commission, refunded_amount, commission_reversed, cancelled, updated_at)
            VALUES ({orderId}, 0, 0, 0, 0, false, {now})
            ON CONFLICT (order_id) DO NOTHING
            """,
            cancellationToken);
        return await db.AttributedOrders.FromSql($"SELECT * FROM attributed_orders WHERE order_id = {orderId} FOR UPDATE")
            .SingleAsync(cancellationToken);
    }

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
