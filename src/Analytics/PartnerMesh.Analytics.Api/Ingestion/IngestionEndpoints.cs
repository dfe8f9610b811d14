using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PartnerMesh.Analytics.Api.Aggregation;
using PartnerMesh.Analytics.Api.Infrastructure;
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
        var valid = new List<(string EventId, AnalyticsEvent Event)>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var duplicateIds = new List<string>();
        for (var index = 0; index < events.Count; index++)
        {
            var (eventId, analyticsEvent, rejection) = validator.Validate(index, events[index], now);
            if (rejection is not null)
            {
                rejections.Add(rejection);
            }
            else if (seen.TryGetValue(eventId!, out var first))
            {
                // The same id twice in one batch is a client bug: reported, and the event counted once (its first copy).
                rejections.Add(new EventRejection(index, eventId, BehaviourEventValidator.Reasons.DuplicateEventId,
                    $"The batch already has event '{eventId}' at index {first}; it is counted once."));
            }
            else
            {
                seen[eventId!] = index;
                valid.Add((eventId!, analyticsEvent!));
            }
        }

        var inserted = await db.AppendAsync(EventSources.Storefront, valid, now, cancellationToken);
        if (inserted.Count > 0)
        {
            signal.Notify();
        }

        var acceptedIds = valid.Where(e => inserted.Contains(e.EventId)).Select(e => e.EventId).ToList();
        duplicateIds.AddRange(valid.Where(e => !inserted.Contains(e.EventId)).Select(e => e.EventId));
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
}
