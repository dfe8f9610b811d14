using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using PartnerMesh.Data;

namespace PartnerMesh.Coupons.Api.Checkout;

/// <summary>
/// Group commit for requests that take uses (reservations, and redemptions without one). A hot code's requests all lock
/// the same counter rows until they commit, so one at a time they would run at one commit each; here they queue in a
/// lane (chosen by campaign, whose counter every code of the campaign shares) and the lane's worker applies everything
/// queued behind the previous commit in one transaction (<see cref="UseBatch"/>), then answers every waiter.
/// <para>
/// The limits do not depend on the batching: they are enforced by the row locks and the counters in PostgreSQL, which
/// serialise batches (and single requests) of every instance. A batch only amortises one commit over many requests. If a
/// batch fails, each of its requests is applied again in its own transaction, so one bad request fails alone.
/// </para>
/// </summary>
public sealed partial class UseLanes : BackgroundService
{
    public static readonly ActivitySource ActivitySource = new(CouponsMetrics.MeterName);

    private readonly IServiceScopeFactory _scopeFactory;
    private readonly CouponsMetrics _metrics;
    private readonly GroupCommitOptions _options;
    private readonly ILogger<UseLanes> _logger;
    private readonly Channel<PendingUse>[] _lanes;

    public UseLanes(IServiceScopeFactory scopeFactory, CouponsMetrics metrics, IOptions<GroupCommitOptions> options, ILogger<UseLanes> logger)
    {
        _scopeFactory = scopeFactory;
        _metrics = metrics;
        _options = options.Value;
        _logger = logger;
        _lanes = [.. Enumerable.Range(0, _options.Lanes).Select(_ => Channel.CreateBounded<PendingUse>(
            new BoundedChannelOptions(_options.QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait }))];
    }

    /// <summary>
    /// Queues the request and returns its answer once the transaction that applied it has committed. Cancelled while it
    /// still waits in the queue, it is dropped (nothing written); once a worker has taken it, it runs to its answer.
    /// </summary>
    public async Task<CheckoutResult<T>> SubmitAsync<T>(UseRequest request, CancellationToken cancellationToken)
        where T : class
    {
        var pending = new PendingUse(request, Activity.Current?.Context);
        var lane = _lanes[(int)((uint)request.Campaign.Id.GetHashCode() % (uint)_lanes.Length)];
        await lane.Writer.WriteAsync(pending, cancellationToken);
        await using (cancellationToken.Register(static state => ((PendingUse)state!).TryCancel(), pending))
        {
            return (CheckoutResult<T>)await pending.Completion.Task;
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_lanes.Select(lane => Task.Run(() => RunLaneAsync(lane.Reader, stoppingToken), CancellationToken.None)));

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Requests already queued are answered before the host stops.
        foreach (var lane in _lanes)
        {
            lane.Writer.TryComplete();
        }

        await base.StopAsync(cancellationToken);
    }

    private Task RunLaneAsync(ChannelReader<PendingUse> reader, CancellationToken stoppingToken) =>
        GroupCommit.RunAsync(reader, _options.MaxBatchSize, CommitWithFallbackAsync, stoppingToken, admit: pending => pending.TryClaim());

    /// <summary>Applies a batch; if it fails as a whole, applies each request in its own transaction.</summary>
    public Task CommitWithFallbackAsync(IReadOnlyList<PendingUse> batch) =>
        GroupCommit.CommitWithFallbackAsync(
            batch, CommitAsync, (pending, exception) => pending.Completion.TrySetException(exception),
            exception =>
            {
                LogBatchFailed(_logger, exception, batch.Count);
                _metrics.GroupCommitFellBack(batch.Count);
            });

    private async Task CommitAsync(IReadOnlyList<PendingUse> batch)
    {
        using var activity = ActivitySource.StartActivity(
            "coupon uses group commit", ActivityKind.Internal, parentContext: default,
            links: batch.Where(pending => pending.RequestContext is not null).Select(pending => new ActivityLink(pending.RequestContext!.Value)));
        activity?.SetTag("partnermesh.coupons.batch_size", batch.Count);
        var started = Stopwatch.GetTimestamp();

        await using var scope = _scopeFactory.CreateAsyncScope();
        var outcomes = await scope.ServiceProvider.GetRequiredService<UseBatch>()
            .CommitAsync([.. batch.Select(pending => pending.Request)], CancellationToken.None);
        _metrics.GroupCommitted(batch.Count, Stopwatch.GetElapsedTime(started));
        for (var index = 0; index < batch.Count; index++)
        {
            batch[index].Completion.TrySetResult(outcomes[index]);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A group commit of {Count} coupon uses failed; applying them one by one")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, int count);
}

/// <summary>A request waiting in a lane: queued, then either taken by the lane's worker or cancelled by its caller, never both.</summary>
public sealed class PendingUse(UseRequest request, ActivityContext? requestContext = null)
{
    private const int Queued = 0, Claimed = 1, Cancelled = 2;
    private int _state;

    public UseRequest Request { get; } = request;

    public ActivityContext? RequestContext { get; } = requestContext;

    /// <summary>The request's <see cref="CheckoutResult{T}"/>, set once it committed (or failed, or was cancelled while queued).</summary>
    public TaskCompletionSource<object> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool TryClaim() => Interlocked.CompareExchange(ref _state, Claimed, Queued) == Queued;

    public void TryCancel()
    {
        if (Interlocked.CompareExchange(ref _state, Cancelled, Queued) == Queued)
        {
            Completion.TrySetCanceled();
        }
    }
}

public sealed class GroupCommitOptions
{
    public const string SectionName = "Coupons:GroupCommit";

    /// <summary>Group commits that may run at once on an instance (each carries the requests that queued behind the previous one).</summary>
    [Range(1, 64)]
    public int Lanes { get; set; } = 4;

    /// <summary>Requests applied in one transaction at most.</summary>
    [Range(1, 2_000)]
    public int MaxBatchSize { get; set; } = 200;

    /// <summary>Requests waiting per lane before more wait to be queued (back-pressure instead of unbounded memory).</summary>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 5_000;
}
