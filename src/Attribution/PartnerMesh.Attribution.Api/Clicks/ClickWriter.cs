using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerMesh.Attribution.Api.Infrastructure;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Data;
using PartnerMesh.Outbox;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Attribution.Api.Clicks;

/// <summary>
/// What became of a click handed to the <see cref="ClickWriter"/>, once durable. <see cref="KeyUsed"/>: its
/// <c>Idempotency-Key</c> already stood for a click (of an earlier commit, or earlier in the same one), so nothing was
/// written and <see cref="ClickId"/> is empty: the stored key tells the answer.
/// </summary>
public sealed record ClickWriteResult(Guid ClickId, string VisitorId, bool Duplicate, bool KeyUsed = false);

/// <summary>
/// Group commit for clicks. A redirect hands its click (and <see cref="ClickRecorded"/> event) over and waits until the
/// transaction that holds it has committed, so no acknowledged click can be lost; but the clicks arriving while one
/// commit runs share the next one, so under load one commit carries hundreds of clicks instead of one each.
/// <para>
/// Clicks are spread over a few lanes (each one commit at a time) by link and visitor, so one visitor's repeats on one
/// link always pass through the same lane in order: the duplicate check of a batch sees every earlier commit of its lane.
/// A click sent with an <c>Idempotency-Key</c> and no known visitor (it can never collapse) goes by its key instead, so
/// the retries of one request pass through one lane too, and its key is stored in the commit of its click.
/// </para>
/// </summary>
public sealed partial class ClickWriter : BackgroundService
{
    public static readonly ActivitySource ActivitySource = new(AttributionMetrics.MeterName);

    private readonly IServiceScopeFactory _scopeFactory;
    private readonly AttributionMetrics _metrics;
    private readonly ClickWriterOptions _options;
    private readonly ILogger<ClickWriter> _logger;
    private readonly Channel<PendingClick>[] _lanes;

    public ClickWriter(IServiceScopeFactory scopeFactory, AttributionMetrics metrics, IOptions<ClickWriterOptions> options, ILogger<ClickWriter> logger)
    {
        _scopeFactory = scopeFactory;
        _metrics = metrics;
        _options = options.Value;
        _logger = logger;
        _lanes = [.. Enumerable.Range(0, _options.Lanes).Select(_ => Channel.CreateBounded<PendingClick>(
            new BoundedChannelOptions(_options.QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait }))];
    }

    /// <summary>A click without an <c>Idempotency-Key</c> (see the overload).</summary>
    public Task<ClickWriteResult> WriteAsync(
        Click click, ClickRecorded recorded, TimeSpan duplicateWindow, bool visitorKnown, CancellationToken cancellationToken) =>
        WriteAsync(click, recorded, duplicateWindow, visitorKnown, idempotency: null, cancellationToken);

    /// <param name="duplicateWindow">Repeats of a known visitor on the link within this window collapse into the earlier click.</param>
    /// <param name="visitorKnown">Whether the visitor id came from the shopper (cookie or storefront) rather than being new.</param>
    /// <param name="idempotency">The caller's <c>Idempotency-Key</c>, if any: stored with the outcome, or found already used.</param>
    /// <returns>Once the click (or the count of its repeat, or the key's earlier use) is committed.</returns>
    public async Task<ClickWriteResult> WriteAsync(
        Click click, ClickRecorded recorded, TimeSpan duplicateWindow, bool visitorKnown, ClickIdempotency? idempotency,
        CancellationToken cancellationToken)
    {
        var pending = new PendingClick(click, recorded, Activity.Current?.Id, Activity.Current?.Context,
            visitorKnown && duplicateWindow > TimeSpan.Zero ? click.OccurredAt - duplicateWindow : null, idempotency);
        var laneKey = idempotency is not null && !visitorKnown
            ? HashCode.Combine(idempotency.Caller, idempotency.Key)
            : HashCode.Combine(click.LinkId, click.VisitorId);
        var lane = _lanes[(int)((uint)laneKey % (uint)_lanes.Length)];
        try
        {
            await lane.Writer.WriteAsync(pending, cancellationToken);
        }
        catch (ChannelClosedException closed)
        {
            throw new ServiceStoppingException("The click writer has stopped: this instance is shutting down.", closed);
        }

        // Not cancellable past this point: the click is queued and will commit; the caller learns the outcome.
        return await pending.Completion.Task;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_lanes.Select(lane => RunLaneAsync(lane.Reader, stoppingToken)));

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Clicks already queued were promised a commit: drain them before the host stops.
        foreach (var lane in _lanes)
        {
            lane.Writer.TryComplete();
        }

        await base.StopAsync(cancellationToken);
    }

    private Task RunLaneAsync(ChannelReader<PendingClick> reader, CancellationToken stoppingToken) =>
        GroupCommit.RunAsync(reader, _options.MaxBatchSize, CommitWithFallbackAsync, stoppingToken);

    /// <summary>
    /// A batch commits or fails as a whole. If it fails, each click is retried in its own commit, so one bad click (a link
    /// deleted under a stale cache) fails alone and its caller sees the database's error.
    /// </summary>
    private Task CommitWithFallbackAsync(IReadOnlyList<PendingClick> batch) =>
        GroupCommit.CommitWithFallbackAsync(
            batch, CommitAsync, (pending, exception) => pending.Completion.TrySetException(exception),
            exception => LogBatchFailed(_logger, exception, batch.Count));

    private async Task CommitAsync(IReadOnlyList<PendingClick> batch)
    {
        using var activity = ActivitySource.StartActivity(
            "clicks group commit", ActivityKind.Internal, parentContext: default,
            links: batch.Where(pending => pending.RequestContext is not null).Select(pending => new ActivityLink(pending.RequestContext!.Value)));
        activity?.SetTag("partnermesh.clicks.batch_size", batch.Count);
        var started = Stopwatch.GetTimestamp();

        await using var scope = _scopeFactory.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AttributionDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);

        var earlier = await EarlierClicksAsync(db, batch);
        var usedKeys = await UsedKeysAsync(db, batch);
        var outcomes = new ClickWriteResult[batch.Count];
        var repeats = new Dictionary<Guid, Repeats>();
        for (var index = 0; index < batch.Count; index++)
        {
            var pending = batch[index];
            var click = pending.Click;
            if (pending.Idempotency is { } used && !usedKeys.Add((used.Caller, used.Key)))
            {
                outcomes[index] = new ClickWriteResult(Guid.Empty, click.VisitorId!, Duplicate: false, KeyUsed: true);
                continue;
            }

            var key = (click.LinkId, click.VisitorId!);
            if (pending.CollapsesSince is { } since && earlier.TryGetValue(key, out var first) && first.OccurredAt >= since)
            {
                repeats[first.Id] = repeats.GetValueOrDefault(first.Id, Repeats.None).With(click);
                outcomes[index] = new ClickWriteResult(first.Id, click.VisitorId!, Duplicate: true);
            }
            else
            {
                db.Clicks.Add(click);
                db.AddIntegrationEvent(pending.Recorded, pending.TraceParent);
                earlier[key] = new EarlierClick(click.Id, click.OccurredAt);
                outcomes[index] = new ClickWriteResult(click.Id, click.VisitorId!, Duplicate: false);
            }

            if (pending.Idempotency is { } idempotency)
            {
                db.ClickIdempotencyKeys.Add(new ClickIdempotencyKey
                {
                    Caller = idempotency.Caller, Key = idempotency.Key, Fingerprint = idempotency.Fingerprint,
                    ClickId = outcomes[index].ClickId, Duplicate = outcomes[index].Duplicate, CreatedAt = click.OccurredAt,
                });
            }
        }

        await db.SaveChangesAsync(CancellationToken.None);
        foreach (var (clickId, repeat) in repeats)
        {
            // A repeat keeps its paid-traffic evidence on the kept click (ids it does not have yet), so a brand-bidding
            // policy cannot be dodged by clicking once organically before the paid click.
            // The click's last-seen time moves to its latest repeat: a shopper who came back to this link after another
            // partner's clicked it last (last-click attribution orders by it).
            var paid = repeat.Paid;
            var lastSeen = repeat.LastSeenAt;
            await db.Clicks.Where(click => click.Id == clickId)
                .ExecuteUpdateAsync(setters => setters
                    .SetProperty(click => click.Duplicates, click => click.Duplicates + repeat.Count)
                    .SetProperty(click => click.LastSeenAt, click => click.LastSeenAt > lastSeen ? click.LastSeenAt : lastSeen)
                    .SetProperty(click => click.Gclid, click => click.Gclid ?? paid.Gclid)
                    .SetProperty(click => click.Fbclid, click => click.Fbclid ?? paid.Fbclid)
                    .SetProperty(click => click.Msclkid, click => click.Msclkid ?? paid.Msclkid)
                    .SetProperty(click => click.Ttclid, click => click.Ttclid ?? paid.Ttclid)
                    .SetProperty(click => click.LiFatId, click => click.LiFatId ?? paid.LiFatId)
                    .SetProperty(click => click.Rdclid, click => click.Rdclid ?? paid.Rdclid)
                    .SetProperty(click => click.Twclid, click => click.Twclid ?? paid.Twclid), CancellationToken.None);
        }

        await transaction.CommitAsync(CancellationToken.None);
        _metrics.ClicksCommitted(batch.Count, Stopwatch.GetElapsedTime(started));
        for (var index = 0; index < batch.Count; index++)
        {
            if (outcomes[index].Duplicate)
            {
                _metrics.DuplicateClick();
            }
            else if (!outcomes[index].KeyUsed)
            {
                _metrics.ClickRecorded();
            }

            batch[index].Completion.TrySetResult(outcomes[index]);
        }
    }

    /// <summary>The latest click of each (link, known visitor) in the batch, within the widest duplicate window asked for.</summary>
    private static async Task<Dictionary<(Guid LinkId, string VisitorId), EarlierClick>> EarlierClicksAsync(
        AttributionDbContext db, IReadOnlyList<PendingClick> batch)
    {
        var collapsible = batch.Where(pending => pending.CollapsesSince is not null).ToList();
        if (collapsible.Count == 0)
        {
            return [];
        }

        var since = collapsible.Min(pending => pending.CollapsesSince!.Value);
        var visitors = collapsible.Select(pending => pending.Click.VisitorId!).Distinct().ToList();
        var links = collapsible.Select(pending => pending.Click.LinkId).Distinct().ToList();
        var rows = await db.Clicks.AsNoTracking()
            .Where(click => visitors.Contains(click.VisitorId!) && links.Contains(click.LinkId) && click.OccurredAt >= since)
            .Select(click => new { click.Id, click.LinkId, click.VisitorId, click.OccurredAt })
            .ToListAsync(CancellationToken.None);
        return rows.GroupBy(row => (row.LinkId, row.VisitorId!)).ToDictionary(group => group.Key, group =>
        {
            var latest = group.MaxBy(row => row.OccurredAt)!;
            return new EarlierClick(latest.Id, latest.OccurredAt);
        });
    }

    /// <summary>
    /// The batch's <c>Idempotency-Key</c>s that already stand for a click. Retries of one request share a lane, so an
    /// earlier use is committed by now. A use in another lane's commit still in flight (a different request under the
    /// same key) fails this batch on the primary key: retried alone, the click finds the key used, or its caller sees
    /// the violation.
    /// </summary>
    private static async Task<HashSet<(string Caller, string Key)>> UsedKeysAsync(AttributionDbContext db, IReadOnlyList<PendingClick> batch)
    {
        var asked = batch.Where(pending => pending.Idempotency is not null).Select(pending => pending.Idempotency!).ToList();
        if (asked.Count == 0)
        {
            return [];
        }

        var callers = asked.Select(idempotency => idempotency.Caller).Distinct().ToList();
        var keys = asked.Select(idempotency => idempotency.Key).Distinct().ToList();
        var rows = await db.ClickIdempotencyKeys.AsNoTracking()
            .Where(used => callers.Contains(used.Caller) && keys.Contains(used.Key))
            .Select(used => new { used.Caller, used.Key })
            .ToListAsync(CancellationToken.None);
        return [.. rows.Select(row => (row.Caller, row.Key))];
    }

    private readonly record struct EarlierClick(Guid Id, DateTimeOffset OccurredAt);

    /// <summary>
    /// The repeats collapsed into one click in a commit: how many, the latest one's time, and the first paid click id of
    /// each kind they carried.
    /// </summary>
    private sealed record Repeats(int Count, DateTimeOffset LastSeenAt, PaidClickIds Paid)
    {
        public static readonly Repeats None = new(0, DateTimeOffset.MinValue, new PaidClickIds(null, null, null, null, null, null, null));

        public Repeats With(Click repeat) => new(Count + 1, repeat.OccurredAt > LastSeenAt ? repeat.OccurredAt : LastSeenAt, new PaidClickIds(
            Paid.Gclid ?? repeat.Gclid, Paid.Fbclid ?? repeat.Fbclid, Paid.Msclkid ?? repeat.Msclkid, Paid.Ttclid ?? repeat.Ttclid,
            Paid.LiFatId ?? repeat.LiFatId, Paid.Rdclid ?? repeat.Rdclid, Paid.Twclid ?? repeat.Twclid));
    }

    private sealed record PaidClickIds(string? Gclid, string? Fbclid, string? Msclkid, string? Ttclid, string? LiFatId, string? Rdclid, string? Twclid);

    private sealed class PendingClick(
        Click click, ClickRecorded recorded, string? traceParent, ActivityContext? requestContext, DateTimeOffset? collapsesSince,
        ClickIdempotency? idempotency)
    {
        public Click Click { get; } = click;

        public ClickRecorded Recorded { get; } = recorded;

        public string? TraceParent { get; } = traceParent;

        public ActivityContext? RequestContext { get; } = requestContext;

        /// <summary>Set for a known visitor: an earlier click on the link at or after this instant absorbs this one.</summary>
        public DateTimeOffset? CollapsesSince { get; } = collapsesSince;

        public ClickIdempotency? Idempotency { get; } = idempotency;

        public TaskCompletionSource<ClickWriteResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A group commit of {Count} clicks failed; committing them one by one")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, int count);
}

public sealed class ClickWriterOptions
{
    public const string SectionName = "Attribution:ClickWriter";

    /// <summary>Commits that may run at once (each carries the clicks that queued behind the previous one).</summary>
    [Range(1, 64)]
    public int Lanes { get; set; } = 4;

    [Range(1, 5_000)]
    public int MaxBatchSize { get; set; } = 500;

    /// <summary>Clicks waiting per lane before redirects wait for room (back-pressure instead of unbounded memory).</summary>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 10_000;
}
