using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.Contracts.Analytics;
using PartnerMesh.Outbox;

namespace PartnerMesh.Analytics.Api.Aggregation;

/// <summary>
/// Applies the log's pending events to the facts and KPI aggregates, in log order, one batch per transaction: the
/// aggregates, the facts, the events' "aggregated" marks and any published events commit together or not at all. One
/// instance at a time holds the aggregation lock, so the log is applied in one order everywhere (and a replay gives the
/// same numbers).
/// </summary>
public sealed class Aggregator(
    AnalyticsDbContext db,
    IOptions<AnalyticsOptions> options,
    AnalyticsMetrics metrics,
    TimeProvider timeProvider)
{
    /// <summary>The PostgreSQL advisory lock key of the aggregation (any constant unique to analytics).</summary>
    public const long LockKey = 0x616e616c79746963;

    /// <summary>Whether the last committed batch changed any revenue (what partners' revenue shares are measured on).</summary>
    public bool RevenueChanged { get; private set; }

    /// <returns>How many events were applied (0 when none was pending or another instance is aggregating).</returns>
    public async Task<int> RunBatchAsync(CancellationToken cancellationToken, int? limit = null)
    {
        var settings = options.Value;
        var stage = new StageClock(metrics);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await TryLockAsync(cancellationToken))
        {
            return 0;
        }

        stage.Lap("lock");
        // Read and mark the next pending events in one statement (the marks commit with the batch's effects, or roll
        // back with them). ARRAY(...) makes the update find its rows through the sequence index.
        var now = timeProvider.GetUtcNow();
        var take = limit ?? settings.AggregationBatchSize;
        var pending = (await db.Database.SqlQuery<PendingEvent>(
                $"""
                UPDATE raw_events SET aggregated_at = {now}
                WHERE sequence = ANY(ARRAY(SELECT sequence FROM raw_events WHERE aggregated_at IS NULL ORDER BY sequence LIMIT {take}))
                RETURNING sequence, payload, replayed, received_at
                """)
            .ToListAsync(cancellationToken))
            .OrderBy(raw => raw.Sequence)
            .ToList();
        if (pending.Count == 0)
        {
            return 0;
        }

        var events = pending.Select(raw => (Event: EventLog.Read(raw.Payload), raw.Replayed, raw.ReceivedAt, raw.Sequence)).ToList();
        stage.Lap("read");
        var state = await LoadAsync(events.Select(e => e.Event).ToList(), cancellationToken);
        stage.Lap("load");
        var projector = new KpiProjector(state, settings.TimeZone(), settings.Segments, now);
        foreach (var (analyticsEvent, replayed, receivedAt, sequence) in events)
        {
            projector.Apply(analyticsEvent, replayed, receivedAt, sequence);
        }

        stage.Lap("project");
        // New sessions are the most numerous new facts (one per visit): one unnest insert instead of EF's per-row inserts.
        var sessions = state.Added.OfType<SessionFact>().ToList();
        await InsertSessionsAsync(sessions, cancellationToken);
        await WriteFactsAsync(state, cancellationToken);
        if (state.LinkedClicks.Count > 0)
        {
            var linked = state.LinkedClicks.ToArray();
            await db.UnlinkedClickEvents.Where(u => linked.Contains(u.ClickId)).ExecuteDeleteAsync(cancellationToken);
        }

        if (state.AppliedTakeBacks.Count > 0)
        {
            var applied = state.AppliedTakeBacks.ToArray();
            await db.PendingTakeBacks.Where(p => applied.Contains(p.Sequence)).ExecuteDeleteAsync(cancellationToken);
        }

        stage.Lap("facts");
        foreach (var change in state.SegmentChanges)
        {
            db.AddIntegrationEvent(new CustomerSegmentChanged
            {
                EventId = Guid.NewGuid(),
                OccurredAt = change.At,
                CustomerId = change.CustomerId,
                Segment = change.Segment,
                Change = change.Joined ? CustomerSegmentChanged.Joined : CustomerSegmentChanged.Left,
                Segments = change.Segments,
            });
        }

        foreach (var recovery in state.Recoveries)
        {
            db.AddIntegrationEvent(new CartRecovered
            {
                EventId = Guid.NewGuid(),
                OccurredAt = recovery.At,
                CartId = recovery.CartId,
                OrderId = recovery.OrderId,
                VisitorId = recovery.VisitorId,
                CustomerId = recovery.CustomerId,
                Email = recovery.Email,
            });
        }

        if (state.SegmentChanges.Count > 0 || state.Recoveries.Count > 0)
        {
            // Only the outbox is left to save: the facts were written above and marked unchanged, so no second pass
            // over every tracked fact.
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            await db.SaveChangesAsync(cancellationToken);
        }

        stage.Lap("outbox");
        await db.AddAsync(state.Deltas.Values, now, cancellationToken);
        stage.Lap("counters");
        await transaction.CommitAsync(cancellationToken);
        stage.Lap("commit");
        RevenueChanged = state.Deltas.Values.Any(delta => delta.Revenue != 0m || delta.PartnerRevenue != 0m);

        metrics.Aggregated(pending.Count);
        foreach (var raw in pending.Where(raw => !raw.Replayed))
        {
            metrics.EventApplied("behaviour", now - raw.ReceivedAt);
        }

        db.ChangeTracker.Clear();
        return pending.Count;
    }

    /// <summary>
    /// Sets aside the next pending event when applying it alone fails (a poison event must not stop the KPIs): it is
    /// marked aggregated without effect and logged, and stays in the log for a replay after a fix.
    /// </summary>
    public async Task<string?> SkipNextAsync(CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await TryLockAsync(cancellationToken))
        {
            return null;
        }

        var next = await db.RawEvents.Where(raw => raw.AggregatedAt == null).OrderBy(raw => raw.Sequence).FirstOrDefaultAsync(cancellationToken);
        if (next is null)
        {
            return null;
        }

        next.AggregatedAt = timeProvider.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return next.EventId;
    }

    private Task InsertSessionsAsync(List<SessionFact> sessions, CancellationToken cancellationToken)
    {
        if (sessions.Count == 0)
        {
            return Task.CompletedTask;
        }

        // Segment names have no commas; an array column cannot be unnested from a two-dimensional array.
        var ids = sessions.Select(s => s.SessionId).ToArray();
        var startedAt = sessions.Select(s => s.StartedAt.ToUniversalTime()).ToArray();
        var visitors = sessions.Select(s => s.VisitorId).ToArray();
        var converted = sessions.Select(s => s.Converted).ToArray();
        var partners = sessions.Select(s => s.PartnerId).ToArray();
        var campaigns = sessions.Select(s => s.Campaign).ToArray();
        var sources = sessions.Select(s => s.TrafficSource).ToArray();
        var touchpoints = sessions.Select(s => s.Touchpoint).ToArray();
        var segments = sessions.Select(s => string.Join(',', s.Segments)).ToArray();
        var pendingClicks = sessions.Select(s => s.PendingClickId).ToArray();
        return db.Database.ExecuteSqlAsync(
            $$"""
            INSERT INTO sessions (session_id, started_at, visitor_id, converted, partner_id, campaign, traffic_source, touchpoint, segments, pending_click_id)
            SELECT d.id, d.started_at, d.visitor, d.converted, d.partner, d.campaign, d.source, d.touchpoint,
                   COALESCE(string_to_array(NULLIF(d.segments, ''), ','), '{}'), d.pending_click
            FROM unnest({{ids}}, {{startedAt}}, {{visitors}}, {{converted}}, {{partners}}, {{campaigns}}, {{sources}}, {{touchpoints}}, {{segments}}, {{pendingClicks}})
                AS d(id, started_at, visitor, converted, partner, campaign, source, touchpoint, segments, pending_click)
            """,
            cancellationToken);
    }

    /// <summary>
    /// The batch's other new facts and every loaded fact it changed, one set-based upsert per fact type (carts, orders,
    /// customers, survey showings, changed sessions) instead of EF Core's statement per row; the changed facts are then
    /// marked unchanged so <c>SaveChanges</c> writes only the outbox.
    /// </summary>
    private async Task WriteFactsAsync(ProjectionState state, CancellationToken cancellationToken)
    {
        var changed = db.ChangeTracker.Entries()
            .Where(entry => entry.State == EntityState.Modified && entry.Entity is DimensionedFact or CustomerFact)
            .ToList();
        var facts = state.Added.Where(fact => fact is not SessionFact).Concat(changed.Select(entry => entry.Entity));
        foreach (var group in facts.GroupBy(fact => fact.GetType()).OrderBy(group => group.Key.Name, StringComparer.Ordinal))
        {
            await db.UpsertAsync(group.Key, [.. group], cancellationToken);
        }

        foreach (var entry in changed)
        {
            entry.State = EntityState.Unchanged;
        }
    }

    private Task<bool> TryLockAsync(CancellationToken cancellationToken) => TryLockAsync(db, cancellationToken);

    /// <summary>Takes the aggregation lock for the current transaction, if free.</summary>
    public static async Task<bool> TryLockAsync(AnalyticsDbContext db, CancellationToken cancellationToken) =>
        (await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock({LockKey}) AS \"Value\"").ToListAsync(cancellationToken)).Single();

    private async Task<ProjectionState> LoadAsync(IReadOnlyList<AnalyticsEvent> events, CancellationToken cancellationToken)
    {
        var state = new ProjectionState();

        // Events counted before their click was recorded: the batch's ClickRecorded links them, with their facts.
        var recordedClicks = events.Where(e => e is { Type: EventTypes.ClickRecorded, ClickId: not null })
            .Select(e => e.ClickId!.Value).Distinct().ToArray();
        var unlinked = recordedClicks.Length == 0
            ? []
            : await db.UnlinkedClickEvents.AsNoTracking().Where(u => recordedClicks.Contains(u.ClickId)).OrderBy(u => u.Id).ToListAsync(cancellationToken);
        foreach (var group in unlinked.GroupBy(u => u.ClickId))
        {
            state.UnlinkedClickEvents[group.Key] = [.. group];
        }

        var sessionIds = Distinct(events.Select(e => e.SessionId).Concat(unlinked.Select(u => u.SessionId)));
        var cartIds = Distinct(events.Select(e => e.CartId).Concat(unlinked.Select(u => u.CartId)));
        var orderIds = Distinct(events.Select(e => e.OrderId).Concat(unlinked.Select(u => u.OrderId)));
        var impressionIds = events.Where(e => e.ImpressionId is not null).Select(e => e.ImpressionId!.Value).Distinct().ToArray();

        foreach (var session in await db.Sessions.Where(s => sessionIds.Contains(s.SessionId)).ToListAsync(cancellationToken))
        {
            state.Sessions[session.SessionId] = session;
        }

        foreach (var cart in await db.Carts.Where(c => cartIds.Contains(c.CartId)).ToListAsync(cancellationToken))
        {
            state.Carts[cart.CartId] = cart;
        }

        foreach (var order in await db.Orders.Where(o => orderIds.Contains(o.OrderId)).ToListAsync(cancellationToken))
        {
            state.Orders[order.OrderId] = order;
        }

        foreach (var impression in await db.Impressions.Where(i => impressionIds.Contains(i.ImpressionId)).ToListAsync(cancellationToken))
        {
            state.Impressions[impression.ImpressionId] = impression;
        }

        // Refunds and rejections that came before the batch's orders (or their conversions) wait for them.
        foreach (var takeBack in await db.PendingTakeBacks.AsNoTracking().Where(p => orderIds.Contains(p.OrderId))
                     .OrderBy(p => p.Sequence).ToListAsync(cancellationToken))
        {
            if (!state.PendingTakeBacks.TryGetValue(takeBack.OrderId, out var waiting))
            {
                waiting = [];
                state.PendingTakeBacks[takeBack.OrderId] = waiting;
            }

            waiting.Add(takeBack);
        }

        // Storefront events that name a referral click but no partner count for the click's partner (as attribution would).
        var clickIds = events.Where(e => e is { ClickId: not null, PartnerId: null } && EventTypes.Behaviour.Contains(e.Type))
            .Select(e => e.ClickId!.Value).Distinct().ToArray();
        if (clickIds.Length > 0)
        {
            foreach (var click in await db.ClickConversions.AsNoTracking().Where(c => clickIds.Contains(c.ClickId))
                         .Select(c => new { c.ClickId, c.PartnerId }).ToListAsync(cancellationToken))
            {
                state.ClickPartners[click.ClickId] = click.PartnerId;
            }
        }

        // An order's customer too: a partner learned for the order becomes the customer's.
        var customerIds = Distinct(events.Select(e => e.CustomerId)
            .Concat(unlinked.Select(u => u.CustomerId))
            .Concat(state.Carts.Values.Select(c => c.CustomerId))
            .Concat(state.Orders.Values.Select(o => o.CustomerId)));
        foreach (var customer in await db.Customers.Where(c => customerIds.Contains(c.CustomerId)).ToListAsync(cancellationToken))
        {
            state.Customers[customer.CustomerId] = customer;
        }

        await LoadDisplacedFirstOrdersAsync(events, state, cancellationToken);
        return state;
    }

    /// <summary>
    /// A customer's order told after a later one of theirs becomes their first order, and the one counted first a repeat
    /// order (<see cref="KpiProjector"/>): that order and the session it converted are loaded too. Orders are mostly told
    /// in order time, so this is rarely a query at all.
    /// </summary>
    private async Task LoadDisplacedFirstOrdersAsync(IReadOnlyList<AnalyticsEvent> events, ProjectionState state, CancellationToken cancellationToken)
    {
        var displaced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (e is { Type: EventTypes.OrderCompleted, OrderId: { } orderId, CustomerId: { } customerId }
                && state.Customers.TryGetValue(customerId, out var customer)
                && customer is { FirstOrderId: { } firstId, FirstOrderAt: { } firstAt }
                && firstId != orderId
                && !state.Orders.ContainsKey(firstId)
                && (state.Orders.TryGetValue(orderId, out var known) && known.ToldByStorefront ? known.OrderedAt : e.OccurredAt) <= firstAt)
            {
                displaced.Add(firstId);
            }
        }

        if (displaced.Count == 0)
        {
            return;
        }

        var orderIds = displaced.ToArray();
        var orders = await db.Orders.Where(o => orderIds.Contains(o.OrderId)).ToListAsync(cancellationToken);
        foreach (var order in orders)
        {
            state.Orders[order.OrderId] = order;
        }

        var sessionIds = orders.Where(o => o.SessionId is not null && !state.Sessions.ContainsKey(o.SessionId)).Select(o => o.SessionId!).Distinct().ToArray();
        foreach (var session in await db.Sessions.Where(s => sessionIds.Contains(s.SessionId)).ToListAsync(cancellationToken))
        {
            state.Sessions[session.SessionId] = session;
        }
    }

    private sealed class PendingEvent
    {
        public long Sequence { get; init; }
        public string Payload { get; init; } = "";
        public bool Replayed { get; init; }
        public DateTimeOffset ReceivedAt { get; init; }
    }

    /// <summary>Records the time since the previous lap under a stage name (the aggregation stage histogram).</summary>
    private sealed class StageClock(AnalyticsMetrics metrics)
    {
        private long _last = System.Diagnostics.Stopwatch.GetTimestamp();

        public void Lap(string stage)
        {
            var now = System.Diagnostics.Stopwatch.GetTimestamp();
            metrics.AggregationStage(stage, System.Diagnostics.Stopwatch.GetElapsedTime(_last, now));
            _last = now;
        }
    }

    private static string[] Distinct(IEnumerable<string?> ids) =>
        ids.Where(id => id is not null).Select(id => id!).Distinct(StringComparer.Ordinal).ToArray();
}
