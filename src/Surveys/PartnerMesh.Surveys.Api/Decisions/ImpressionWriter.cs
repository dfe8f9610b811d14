using System.Diagnostics;
using System.Threading.Channels;
using PartnerMesh.Contracts.Surveys;
using PartnerMesh.Data;
using PartnerMesh.Outbox;
using PartnerMesh.ServiceDefaults.WebApi;
using PartnerMesh.Surveys.Api.Infrastructure;
using PartnerMesh.Surveys.Api.Responses;

namespace PartnerMesh.Surveys.Api.Decisions;

/// <summary>
/// Group commit for showings. A "show" decision hands its impression (and <see cref="SurveyShown"/> event) over and waits
/// until the transaction that holds it has committed, so no survey is shown that is not on record; the showings that
/// arrive while one commit runs share the next one. A showing is a new row that conflicts with nothing, so one queue
/// suffices; a batch that fails is retried one showing per commit, so each caller learns its own outcome.
/// </summary>
public sealed partial class ImpressionWriter(IServiceScopeFactory scopeFactory, SurveysMetrics metrics, ILogger<ImpressionWriter> logger)
    : BackgroundService
{
    public const int MaxBatchSize = 200;
    private const int QueueCapacity = 10_000;

    private readonly Channel<PendingShowing> _queue = Channel.CreateBounded<PendingShowing>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    /// <returns>Once the showing is committed; throws what the database threw when it could not be.</returns>
    public async Task WriteAsync(Impression impression, SurveyShown shown, CancellationToken cancellationToken)
    {
        var pending = new PendingShowing(impression, shown, Activity.Current?.Id);
        try
        {
            await _queue.Writer.WriteAsync(pending, cancellationToken);
        }
        catch (ChannelClosedException closed)
        {
            throw new ServiceStoppingException("The showing writer has stopped: this instance is shutting down.", closed);
        }

        // Not cancellable past this point: the showing is queued and will commit; the caller learns the outcome.
        await pending.Completion.Task;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Showings already queued were promised a commit: drain them before the host stops.
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        GroupCommit.RunAsync(_queue.Reader, MaxBatchSize, CommitWithFallbackAsync, stoppingToken);

    private Task CommitWithFallbackAsync(IReadOnlyList<PendingShowing> batch) =>
        GroupCommit.CommitWithFallbackAsync(
            batch, CommitAsync, (pending, exception) => pending.Completion.TrySetException(exception),
            exception => LogBatchFailed(logger, exception, batch.Count));

    private async Task CommitAsync(IReadOnlyList<PendingShowing> batch)
    {
        var started = Stopwatch.GetTimestamp();
        await using var scope = scopeFactory.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SurveysDbContext>();
        foreach (var pending in batch)
        {
            db.Impressions.Add(pending.Impression);
            db.AddIntegrationEvent(pending.Shown, pending.TraceParent);
        }

        // One SaveChanges is one transaction: the showings and their events commit together or not at all.
        await db.SaveChangesAsync(CancellationToken.None);
        metrics.ShowingsCommitted(batch.Count, Stopwatch.GetElapsedTime(started));
        foreach (var pending in batch)
        {
            pending.Completion.TrySetResult();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A commit of {Count} showings failed; committing them one by one")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, int count);

    private sealed record PendingShowing(Impression Impression, SurveyShown Shown, string? TraceParent)
    {
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
