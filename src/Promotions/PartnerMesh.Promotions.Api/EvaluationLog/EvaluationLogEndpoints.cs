using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Promotions.Api.Infrastructure;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Promotions.Api.EvaluationLog;

public sealed record EvaluationLogItem(
    Guid Id, DateTimeOffset LoggedAt, string Kind, string Outcome, string? Reason, string? OrderId, Guid? QuoteId, string? VisitorId,
    string? CustomerId, Guid? PartnerId, string? Touchpoint, long? RuleSetVersion, string? Currency, decimal? GrandTotal,
    decimal? DiscountTotal, IReadOnlyList<Guid> PromotionIds, JsonElement Summary);

public sealed record EvaluationLogPage(IReadOnlyList<EvaluationLogItem> Items, string? NextCursor);

public sealed record EvaluationLogQuery(
    string? OrderId, Guid? QuoteId, string? VisitorId, Guid? PromotionId, string? Outcome, DateTimeOffset? From, DateTimeOffset? To, Guid? Before, int Limit);

/// <summary>Searches the log newest first; every filter given must hold.</summary>
public sealed class EvaluationLogQueries(PromotionsDbContext db)
{
    public async Task<EvaluationLogPage> SearchAsync(EvaluationLogQuery query, CancellationToken cancellationToken)
    {
        var rows = db.EvaluationLog.AsNoTracking();
        if (query.OrderId is { } orderId)
        {
            rows = rows.Where(entry => entry.OrderId == orderId);
        }

        if (query.QuoteId is { } quoteId)
        {
            rows = rows.Where(entry => entry.QuoteId == quoteId);
        }

        if (query.VisitorId is { } visitorId)
        {
            rows = rows.Where(entry => entry.VisitorId == visitorId);
        }

        if (query.PromotionId is { } promotionId)
        {
            rows = rows.Where(entry => entry.PromotionIds.Contains(promotionId));
        }

        if (query.Outcome is { } outcome)
        {
            rows = rows.Where(entry => entry.Outcome == outcome);
        }

        if (query.From is { } from)
        {
            rows = rows.Where(entry => entry.LoggedAt >= from);
        }

        if (query.To is { } to)
        {
            rows = rows.Where(entry => entry.LoggedAt < to);
        }

        if (query.Before is { } before)
        {
            rows = rows.Where(entry => entry.Id.CompareTo(before) < 0);
        }

        var page = await rows.OrderByDescending(entry => entry.Id).Take(query.Limit + 1).ToListAsync(cancellationToken);
        var items = page.Take(query.Limit).Select(entry => new EvaluationLogItem(
            entry.Id, entry.LoggedAt, entry.Kind, entry.Outcome, entry.Reason, entry.OrderId, entry.QuoteId, entry.VisitorId, entry.CustomerId,
            entry.PartnerId, entry.Touchpoint, entry.RuleSetVersion, entry.Currency, entry.GrandTotal, entry.DiscountTotal, entry.PromotionIds,
            JsonDocument.Parse(entry.Summary).RootElement.Clone())).ToList();
        return new EvaluationLogPage(items, page.Count > query.Limit ? Paging.EncodeCursor(EvaluationLogEndpoints.EvaluationLogList, items[^1].Id) : null);
    }
}

public static class EvaluationLogEndpoints
{
    internal const string EvaluationLogList = "promotions.evaluation-log";

    public static RouteGroupBuilder MapEvaluationLogEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/promotions/evaluation-log").WithTags("Evaluation log").RequireAuthorization(PartnerMeshPolicies.Admin);
        group.MapGet("/", SearchEvaluationLog).WithName(nameof(SearchEvaluationLog));
        return group;
    }

    /// <summary>
    /// Logged evaluations and order verifications, newest first: filter by <c>orderId</c>, <c>quoteId</c>, <c>visitorId</c>,
    /// <c>promotionId</c> (applied or not), <c>outcome</c> (<c>evaluated</c>, <c>error</c>, <c>honoured</c>, <c>requoted</c>,
    /// <c>mismatch</c>) and <c>from</c>/<c>to</c> (to exclusive); pass <c>nextCursor</c> as <c>after</c> (or <c>cursor</c>, its older name).
    /// </summary>
    private static async Task<Results<Ok<EvaluationLogPage>, ValidationProblem>> SearchEvaluationLog(
        EvaluationLogQueries queries, CancellationToken cancellationToken, string? orderId = null, Guid? quoteId = null, string? visitorId = null,
        Guid? promotionId = null, string? outcome = null, DateTimeOffset? from = null, DateTimeOffset? to = null, string? after = null, string? cursor = null, int limit = 50)
    {
        var errors = Paging.Validate(EvaluationLogList, limit, after ?? cursor, out var take, out var before, after is null && cursor is not null ? "cursor" : "after")
            ?? new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (from is not null && to is not null && to <= from)
        {
            errors["to"] = ["to is after from."];
        }

        if (orderId is { Length: 0 or > 200 } || visitorId is { Length: 0 or > 200 } || outcome is { Length: 0 or > 32 })
        {
            errors["query"] = ["orderId, visitorId and outcome have 1 to 200 characters."];
        }

        return errors.Count > 0
            ? TypedResults.ValidationProblem(errors)
            : TypedResults.Ok(await queries.SearchAsync(new EvaluationLogQuery(
                orderId, quoteId, visitorId, promotionId, outcome, from?.ToUniversalTime(), to?.ToUniversalTime(), before, take), cancellationToken)); // timestamptz takes UTC only
    }
}
