using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using PartnerMesh.Promotions.Api.Common;
using PartnerMesh.Promotions.Api.Evaluations;
using PartnerMesh.Promotions.Api.Infrastructure;
using PartnerMesh.Promotions.Api.Orders;
using PartnerMesh.Promotions.Domain.Evaluation;

namespace PartnerMesh.Promotions.Api.EvaluationLog;

/// <summary>
/// Takes log entries off the evaluation path: the sampling decision is one random draw, an entry is built only when kept,
/// and it is only queued — <see cref="EvaluationLogWriter"/> writes in batches. A full queue drops the entry (counted)
/// rather than slow an evaluation. Quote mismatches and errors are always queued.
/// </summary>
public sealed class EvaluationLogRecorder(IOptions<PromotionsOptions> options, TimeProvider timeProvider, PromotionsMetrics metrics)
{
    public const int Capacity = 50_000;
    private const int MaxLoggedLines = 100;

    private readonly Channel<EvaluationLogEntry> _queue = Channel.CreateBounded<EvaluationLogEntry>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    internal ChannelReader<EvaluationLogEntry> Reader => _queue.Reader;

    public bool ShouldSample()
    {
        var rate = options.Value.EvaluationLog.SampleRate;
        return rate >= 1 || (rate > 0 && Random.Shared.NextDouble() < rate);
    }

    public void Evaluated(EvaluateRequest request, EvaluationResult result, Quote? quote, Touchpoint touchpoint)
    {
        if (!ShouldSample())
        {
            return;
        }

        Enqueue(new EvaluationLogEntry
        {
            Id = Guid.CreateVersion7(timeProvider.GetUtcNow()),
            LoggedAt = timeProvider.GetUtcNow(),
            Kind = EvaluationLogKinds.Evaluation,
            Outcome = EvaluationLogOutcomes.Evaluated,
            QuoteId = quote?.Id,
            VisitorId = request.VisitorId,
            CustomerId = request.Customer?.Id,
            PartnerId = request.PartnerId,
            Touchpoint = PromotionsMetrics.TouchpointName(touchpoint),
            RuleSetVersion = result.RuleSetVersion,
            Currency = result.Currency,
            GrandTotal = result.Totals.GrandTotal,
            DiscountTotal = result.Totals.DiscountTotal,
            PromotionIds = [.. result.Applied.Select(applied => applied.PromotionId).Concat(result.NotApplied.Select(rejected => rejected.PromotionId)).Distinct()],
            Summary = JsonSerializer.Serialize(new
            {
                Request = RequestSummary(request),
                result.Totals,
                Applied = result.Applied.Select(applied => new { applied.PromotionId, applied.Version, applied.Amount, applied.Code, applied.StackingClass }),
                NotApplied = result.NotApplied.Select(rejected => new { rejected.PromotionId, rejected.Version, rejected.Reason, rejected.Detail }),
                result.Codes,
            }, PromotionJson.Options),
        });
    }

    /// <summary>An evaluation that failed: always logged, with the request and the error's type and message.</summary>
    public void Failed(EvaluateRequest request, Exception exception) => Enqueue(new EvaluationLogEntry
    {
        Id = Guid.CreateVersion7(timeProvider.GetUtcNow()),
        LoggedAt = timeProvider.GetUtcNow(),
        Kind = EvaluationLogKinds.Evaluation,
        Outcome = EvaluationLogOutcomes.Error,
        Reason = Truncate($"{exception.GetType().Name}: {exception.Message}"),
        VisitorId = request.VisitorId,
        CustomerId = request.Customer?.Id,
        PartnerId = request.PartnerId,
        Touchpoint = request.Touchpoint is { } touchpoint ? PromotionsMetrics.TouchpointName(touchpoint) : null,
        Currency = request.Currency,
        PromotionIds = [],
        Summary = JsonSerializer.Serialize(new { Request = RequestSummary(request) }, PromotionJson.Options),
    });

    /// <summary>An order checked against its quote: a mismatch always, any other outcome when sampled. The row names the
    /// promotions quoted and those due at order time (<paramref name="expected"/>, the expected total's), so a search by a
    /// promotion paused, ended or refused since the quote finds the orders it concerns.</summary>
    public void Verified(OrderVerification verification, VerifyOrderRequest request, IReadOnlyList<QuotedPromotion> expected)
    {
        if (verification.Outcome != VerificationOutcomes.Mismatch && !ShouldSample())
        {
            return;
        }

        var order = request.Order!;
        var quoted = request.Quote!.Promotions;
        Enqueue(new EvaluationLogEntry
        {
            Id = Guid.CreateVersion7(timeProvider.GetUtcNow()),
            LoggedAt = timeProvider.GetUtcNow(),
            Kind = EvaluationLogKinds.OrderVerification,
            Outcome = verification.Outcome,
            Reason = verification.MismatchReason,
            OrderId = verification.OrderId,
            QuoteId = verification.QuoteId,
            VisitorId = order.VisitorId,
            CustomerId = order.Customer?.Id,
            PartnerId = order.PartnerId,
            Touchpoint = "checkout",
            RuleSetVersion = request.Quote?.RuleSetVersion,
            Currency = verification.Currency,
            GrandTotal = verification.ChargedGrandTotal,
            DiscountTotal = verification.DiscountTotal,
            PromotionIds = [.. quoted.Concat(expected).Select(promotion => promotion.PromotionId).Distinct()],
            Summary = JsonSerializer.Serialize(new
            {
                Request = RequestSummary(order),
                verification.QuotedGrandTotal,
                verification.ChargedGrandTotal,
                verification.ExpectedGrandTotal,
                ChargedDiscountTotal = verification.DiscountTotal,
                Quoted = quoted,
                Expected = expected,
            }, PromotionJson.Options),
        });
    }

    private static string Truncate(string text) => text.Length > 500 ? text[..500] : text;

    private void Enqueue(EvaluationLogEntry entry)
    {
        if (!_queue.Writer.TryWrite(entry))
        {
            metrics.EvaluationLogDropped();
        }
    }

    private static object RequestSummary(EvaluateRequest request) => new
    {
        request.Currency,
        request.Touchpoint,
        request.Shipping,
        request.UtmSource,
        request.ClickId,
        request.Codes,
        Segments = request.Customer?.Segments,
        LineCount = request.Lines?.Count ?? 0,
        Lines = request.Lines?.Take(MaxLoggedLines).Select(line => new { line.Id, line.ProductId, line.Quantity, line.UnitPrice }),
    };
}

/// <summary>Writes queued log entries in batches of up to 500, one insert round trip per batch.</summary>
public sealed class EvaluationLogWriter(EvaluationLogRecorder recorder, IServiceScopeFactory scopes, ILogger<EvaluationLogWriter> logger) : BackgroundService
{
    private const int BatchSize = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<EvaluationLogEntry>(BatchSize);
        while (await recorder.Reader.WaitToReadAsync(stoppingToken))
        {
            while (batch.Count < BatchSize && recorder.Reader.TryRead(out var entry))
            {
                batch.Add(entry);
            }

            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<PromotionsDbContext>();
                db.EvaluationLog.AddRange(batch);
                await db.SaveChangesAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "{Count} evaluation log entries could not be written and are dropped", batch.Count);
            }

            batch.Clear();
        }
    }
}

/// <summary>Deletes log rows older than <see cref="EvaluationLogOptions.RetentionDays"/>, every <see cref="EvaluationLogOptions.SweepInterval"/>.</summary>
public sealed class EvaluationLogSweeper(
    IServiceScopeFactory scopes, IOptions<PromotionsOptions> options, TimeProvider timeProvider, ILogger<EvaluationLogSweeper> logger) : BackgroundService
{
    private const int DeleteBatch = 10_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.EvaluationLog.SweepInterval, timeProvider);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "Evaluation log retention sweep failed; retrying next interval");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Deletes in batches (short transactions); returns how many rows went.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var cutoff = timeProvider.GetUtcNow().AddDays(-options.Value.EvaluationLog.RetentionDays);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PromotionsDbContext>();
        var total = 0;
        while (true)
        {
            var deleted = await db.Database.ExecuteSqlAsync($"""
                DELETE FROM evaluation_log WHERE id IN (SELECT id FROM evaluation_log WHERE logged_at < {cutoff} LIMIT {DeleteBatch})
                """, cancellationToken);
            total += deleted;
            if (deleted < DeleteBatch)
            {
                return total;
            }
        }
    }
}
