using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerMesh.Analytics.Api.Aggregation;
using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.Analytics.Api.Kpis;
using PartnerMesh.Data;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.Analytics.Api.Ingestion;

public static class IngestionEndpoints
{
    public static RouteGroupBuilder MapIngestionEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/analytics").WithTags("Analytics ingestion");
        group.MapPost("/events", IngestAsync).WithName("IngestBehaviourEvents")
            .RequireAuthorization(PartnerMeshPolicies.Storefront)
            .Produces<BatchReport>(StatusCodes.Status200OK)
            .Produces<BatchReport>(StatusCodes.Status207MultiStatus)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return group;
    }

    /// <summary>
    /// Stores a batch's valid events durably (each id once) and returns at once; the aggregator applies them behind.
    /// 200 when every event was accepted or was a duplicate, 207 with the rejections when some were bad, 422 when none
    /// was usable.
    /// </summary>
    private static async Task<IResult> IngestAsync(
        BehaviourBatchRequest? request,
        AnalyticsDbContext db,
        IOptions<AnalyticsOptions> options,
        AggregationSignal signal,
        AnalyticsMetrics metrics,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        var ingestion = options.Value.Ingestion;
        if (request?.Events is not { } events)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["events"] = ["A batch is {\"events\": [...]}."] });
        }

        if (events.Count == 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["events"] = ["A batch has at least one event."] });
        }

        if (events.Count > ingestion.MaxEventsPerBatch)
        {
            return TypedResults.Problem(
                $"A batch has at most {ingestion.MaxEventsPerBatch} events; this one has {events.Count}. Split it.",
                statusCode: StatusCodes.Status413PayloadTooLarge,
                title: "Too many events in the batch");
        }

        var now = timeProvider.GetUtcNow();
        var validator = new BehaviourEventValidator(ingestion);
        var rejections = new List<EventRejection>();
        var valid = new List<(int Index, string EventId, AnalyticsEvent Event)>();
        // Each id's first copy in the batch, with its rejection (null: valid). A later copy follows it, as a resend does.
        var firstCopies = new Dictionary<string, EventRejection?>(StringComparer.Ordinal);
        var copies = new List<(int Index, string EventId)>();
        for (var index = 0; index < events.Count; index++)
        {
            var (eventId, analyticsEvent, rejection) = validator.Validate(index, events[index], now);
            if (eventId is not null && firstCopies.TryGetValue(eventId, out var first))
            {
                if (first is null)
                {
                    copies.Add((index, eventId));
                }
                else
                {
                    rejections.Add(first with { Index = index });
                }
            }
            else
            {
                if (eventId is not null)
                {
                    firstCopies[eventId] = rejection;
                }

                if (rejection is not null)
                {
                    rejections.Add(rejection);
                }
                else
                {
                    valid.Add((index, eventId!, analyticsEvent!));
                }
            }
        }

        var orderIds = valid.Where(e => e.Event.Type == EventTypes.OrderCompleted).Select(e => e.Event.OrderId!).ToHashSet(StringComparer.Ordinal);
        var validated = valid;
        // A deadlock or serialization failure aborts the whole transaction: the unit (the order locks, the fresh read of
        // the counted orders and the insert) runs again from the start.
        (valid, var corrections, var inserted) = await db.RetryOnConflictAsync(
            () => StoreAsync(db, validated, orderIds, now, cancellationToken), cancellationToken);

        if (inserted.Count > 0)
        {
            signal.Notify();
        }

        var acceptedIds = valid.Where(e => inserted.Contains(e.EventId)).Select(e => e.EventId).ToList();
        var duplicateIds = valid.Where(e => !inserted.Contains(e.EventId)).Select(e => e.EventId).ToList();
        // The same id again in one batch is what a resend is: a duplicate of its first copy, stored (and counted) once,
        // or refused with it.
        rejections.AddRange(corrections);
        var refused = corrections.ToDictionary(r => r.EventId!, StringComparer.Ordinal);
        foreach (var (index, eventId) in copies)
        {
            if (refused.TryGetValue(eventId, out var first))
            {
                rejections.Add(first with { Index = index });
            }
            else
            {
                duplicateIds.Add(eventId);
            }
        }

        rejections.Sort((a, b) => a.Index.CompareTo(b.Index));
        metrics.BatchIngested(acceptedIds.Count, duplicateIds.Count, rejections.Count);

        var report = new BatchReport(acceptedIds.Count, duplicateIds.Count, rejections.Count, acceptedIds, duplicateIds, rejections);
        if (rejections.Count == 0)
        {
            return TypedResults.Ok(report);
        }

        if (valid.Count == 0)
        {
            return TypedResults.Problem(
                "No event of the batch is usable; see 'rejections'.",
                statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "Every event was rejected",
                extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["rejections"] = rejections });
        }

        return TypedResults.Json(report, statusCode: StatusCodes.Status207MultiStatus);
    }

    /// <summary>
    /// Stores the batch's valid events, those <c>order_completed</c> that would change a counted order's money refused
    /// (<c>order_already_counted</c>), under the orders' locks; returns the events kept, the refusals and the new ids.
    /// </summary>
    private static async Task<(List<(int Index, string EventId, AnalyticsEvent Event)> Kept, List<EventRejection> Corrections, HashSet<string> Inserted)>
        StoreAsync(
            AnalyticsDbContext db,
            List<(int Index, string EventId, AnalyticsEvent Event)> valid,
            HashSet<string> orderIds,
            DateTimeOffset now,
            CancellationToken cancellationToken)
    {
        var corrections = new List<EventRejection>();
        await using var transaction = orderIds.Count > 0 ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        if (orderIds.Count > 0)
        {
            await db.LockAsync(orderIds, cancellationToken);
            valid = RefuseOrderCorrections(valid, await db.ReadAsync(orderIds, cancellationToken), corrections);
        }

        var inserted = await db.AppendAsync(EventSources.Storefront, [.. valid.Select(e => (e.EventId, e.Event))], now, cancellationToken);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return (valid, corrections, inserted);
    }

    /// <summary>
    /// An order is counted on the money of the first event that names it; an <c>order_completed</c> under a new id with
    /// another amount or currency would change nothing, so it is refused (<c>order_already_counted</c>) rather than
    /// accepted in silence. The same money again is accepted: it repeats the order, as a resend does.
    /// </summary>
    private static List<(int Index, string EventId, AnalyticsEvent Event)> RefuseOrderCorrections(
        List<(int Index, string EventId, AnalyticsEvent Event)> valid, Dictionary<string, CountedOrder> counted, List<EventRejection> rejections)
    {
        var kept = new List<(int Index, string EventId, AnalyticsEvent Event)>(valid.Count);
        var earlierInBatch = new Dictionary<string, (CountedOrder Order, string EventId)>(StringComparer.Ordinal);
        foreach (var entry in valid)
        {
            if (entry.Event is not { Type: EventTypes.OrderCompleted, OrderId: { } orderId, Amount: { } amount, Currency: { } currency })
            {
                kept.Add(entry);
                continue;
            }

            var (known, where) = counted.TryGetValue(orderId, out var stored) ? (stored, "already counted")
                : earlierInBatch.TryGetValue(orderId, out var earlier) ? (earlier.Order, $"counted from event '{earlier.EventId}' of this batch")
                : (null, null);
            if (known is null)
            {
                earlierInBatch[orderId] = (new CountedOrder(orderId, amount, currency), entry.EventId);
                kept.Add(entry);
            }
            else if (known.Amount == amount && string.Equals(known.Currency, currency, StringComparison.Ordinal))
            {
                kept.Add(entry);
            }
            else
            {
                rejections.Add(new EventRejection(entry.Index, entry.EventId, BehaviourEventValidator.Reasons.OrderAlreadyCounted,
                    $"Order '{orderId}' is {where} as {CurrencyCode.Format(known.Amount, known.Currency)}; a later order_completed "
                    + $"({CurrencyCode.Format(amount, currency)}) does not change an order's money."));
            }
        }

        return kept;
    }
}
