using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Contracts.Promotions;
using PartnerMesh.Outbox;
using PartnerMesh.Promotions.Api.Infrastructure;
using PartnerMesh.Promotions.Domain.Experiments;

namespace PartnerMesh.Promotions.Api.Experiments;

/// <summary>
/// Takes exposures off the evaluation path: evaluations only enqueue (no I/O), and <see cref="ExposureWriter"/> writes them
/// in batches. A full queue drops exposures (counted) rather than slow evaluations; so does a crash before a batch is
/// written — exposures are measurements, not state a shopper depends on.
/// </summary>
public sealed class ExposureRecorder(PromotionsMetrics metrics)
{
    public const int Capacity = 100_000;

    private readonly Channel<PendingExposure> _queue = Channel.CreateBounded<PendingExposure>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    internal ChannelReader<PendingExposure> Reader => _queue.Reader;

    public void Record(
        IReadOnlyList<ExperimentExposure> exposures, string? stickyId, Guid? partnerId, DateTimeOffset at, ExposureSubject subject = ExposureSubject.Experiment)
    {
        if (stickyId is null)
        {
            return;
        }

        foreach (var exposure in exposures)
        {
            if (!_queue.Writer.TryWrite(new PendingExposure(exposure.ExperimentId, stickyId, exposure.Variant, partnerId, at, subject)))
            {
                metrics.ExposureDropped();
            }
        }
    }
}

/// <summary>What was exposed: an experiment's variant, or a product-page content entry's (its id in place of the
/// experiment's; both count in the same tables, and orders count for both the same way).</summary>
public enum ExposureSubject
{
    Experiment,
    ProductPageContent,
}

internal sealed record PendingExposure(Guid ExperimentId, string StickyId, string Variant, Guid? PartnerId, DateTimeOffset At, ExposureSubject Subject);

/// <summary>
/// Writes queued exposures: a visitor's first exposure to an experiment inserts its row (the primary key keeps later ones
/// out), counts it for its variant and publishes <see cref="ExperimentExposed"/> — all in one transaction per batch.
/// Order verification writes the order's own exposure the same way (<see cref="InsertAsync"/>), so whichever comes first
/// counts it once.
/// </summary>
public sealed class ExposureWriter(ExposureRecorder recorder, IServiceScopeFactory scopes, ILogger<ExposureWriter> logger) : BackgroundService
{
    private const int BatchSize = 500;

    private sealed record NewExposure(Guid ExperimentId, string StickyId, string Variant);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<PendingExposure>(BatchSize);
        while (await recorder.Reader.WaitToReadAsync(stoppingToken))
        {
            while (batch.Count < BatchSize && recorder.Reader.TryRead(out var exposure))
            {
                batch.Add(exposure);
            }

            try
            {
                await WriteAsync(batch, stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "{Count} experiment exposures could not be written and are dropped", batch.Count);
            }

            batch.Clear();
        }
    }

    internal async Task WriteAsync(IReadOnlyList<PendingExposure> batch, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PromotionsDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await InsertAsync(db, batch, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Inserts the first exposures of <paramref name="batch"/> in the caller's transaction, counts them and stages
    /// their events (saved by the caller). Rows and counters are touched in key order, so concurrent writers never deadlock.</summary>
    internal static async Task InsertAsync(PromotionsDbContext db, IReadOnlyList<PendingExposure> batch, CancellationToken cancellationToken)
    {
        batch = [.. batch.OrderBy(item => item.ExperimentId).ThenBy(item => item.StickyId, StringComparer.Ordinal)];
        var inserted = await db.Database.SqlQuery<NewExposure>($"""
            INSERT INTO experiment_exposures (experiment_id, sticky_id, variant, exposed_at)
            SELECT batch.experiment_id, batch.sticky_id, batch.variant, batch.exposed_at
            FROM unnest({batch.Select(item => item.ExperimentId).ToArray()}::uuid[], {batch.Select(item => item.StickyId).ToArray()}::text[],
                        {batch.Select(item => item.Variant).ToArray()}::text[], {batch.Select(item => item.At).ToArray()}::timestamptz[])
                 AS batch(experiment_id, sticky_id, variant, exposed_at)
            ON CONFLICT DO NOTHING
            RETURNING experiment_id, sticky_id, variant
            """).ToListAsync(cancellationToken);
        foreach (var group in inserted.GroupBy(row => (row.ExperimentId, row.Variant)).OrderBy(group => group.Key.ExperimentId).ThenBy(group => group.Key.Variant, StringComparer.Ordinal))
        {
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO experiment_variant_stats (experiment_id, variant, exposures, conversions, orders)
                VALUES ({group.Key.ExperimentId}, {group.Key.Variant}, {group.LongCount()}, 0, 0)
                ON CONFLICT (experiment_id, variant) DO UPDATE SET exposures = experiment_variant_stats.exposures + excluded.exposures
                """, cancellationToken);
        }

        foreach (var row in inserted)
        {
            var source = batch.First(item => item.ExperimentId == row.ExperimentId && item.StickyId == row.StickyId);
            if (source.Subject == ExposureSubject.ProductPageContent)
            {
                db.AddIntegrationEvent(new ProductPageContentExposed
                {
                    EventId = Guid.CreateVersion7(source.At),
                    OccurredAt = source.At,
                    ContentId = row.ExperimentId,
                    Variant = row.Variant,
                    StickyId = row.StickyId,
                    PartnerId = source.PartnerId,
                });
                continue;
            }

            db.AddIntegrationEvent(new ExperimentExposed
            {
                EventId = Guid.CreateVersion7(source.At),
                OccurredAt = source.At,
                ExperimentId = row.ExperimentId,
                Variant = row.Variant,
                StickyId = row.StickyId,
                PartnerId = source.PartnerId,
            });
        }
    }
}

/// <summary>
/// At order verification (once per order, in its transaction): the customer's exposures to running experiments, and to
/// product-page content entries not ended, count the order for their variants — an order and, the first time that visitor
/// orders, a conversion (in every currency); its total and discount in its own currency's row, never added to another's.
/// </summary>
public static class ExperimentConversions
{
    private sealed record Exposed(Guid ExperimentId, string Variant, bool FirstOrder);

    public static async Task RecordAsync(
        PromotionsDbContext db, string? stickyId, string currency, decimal charged, decimal discount, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (stickyId is null)
        {
            return;
        }

        var exposed = await db.Database.SqlQuery<Exposed>($"""
            WITH mine AS (
              SELECT e.experiment_id, e.variant, e.converted_at IS NULL AS first_order
              FROM experiment_exposures e
              WHERE e.sticky_id = {stickyId}
                AND (EXISTS (SELECT 1 FROM experiments x WHERE x.id = e.experiment_id AND x.status = 'running')
                  OR EXISTS (SELECT 1 FROM product_page_contents c WHERE c.id = e.experiment_id AND c.state IN ('Published', 'Paused')))
              FOR UPDATE OF e),
            converted AS (
              UPDATE experiment_exposures e SET converted_at = {now}
              FROM mine WHERE e.experiment_id = mine.experiment_id AND e.sticky_id = {stickyId} AND mine.first_order)
            SELECT experiment_id, variant, first_order FROM mine
            """).ToListAsync(cancellationToken);
        // Counters are touched in key order, so concurrent orders never deadlock.
        foreach (var row in exposed.OrderBy(row => row.ExperimentId))
        {
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO experiment_variant_stats (experiment_id, variant, exposures, conversions, orders)
                VALUES ({row.ExperimentId}, {row.Variant}, 0, {(row.FirstOrder ? 1 : 0)}, 1)
                ON CONFLICT (experiment_id, variant) DO UPDATE SET
                  conversions = experiment_variant_stats.conversions + excluded.conversions,
                  orders = experiment_variant_stats.orders + 1
                """, cancellationToken);
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO experiment_variant_sales (experiment_id, variant, currency, orders, revenue, revenue_squares, discount)
                VALUES ({row.ExperimentId}, {row.Variant}, {currency}, 1, {charged}, {charged * charged}, {discount})
                ON CONFLICT (experiment_id, variant, currency) DO UPDATE SET
                  orders = experiment_variant_sales.orders + 1,
                  revenue = experiment_variant_sales.revenue + excluded.revenue,
                  revenue_squares = experiment_variant_sales.revenue_squares + excluded.revenue_squares,
                  discount = experiment_variant_sales.discount + excluded.discount
                """, cancellationToken);
        }
    }
}
