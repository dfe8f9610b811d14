using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Attribution.Api.Clicks;
using PartnerMesh.Attribution.Api.Common;
using PartnerMesh.Attribution.Api.Conversions;
using PartnerMesh.Attribution.Api.Infrastructure;
using PartnerMesh.Attribution.Api.Links;
using PartnerMesh.Attribution.Api.Partners;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Attribution.Api.Payouts;

public sealed record ApproveDueResponse(int Approved);

public sealed record AccrueClicksResponse(int Booked);

public sealed record CodeResponse(string Code, string TrackingPath, bool Active);

public sealed record PartnerPayoutResponse(Guid PayoutBatchId, DateTimeOffset CreatedAt, string Currency, decimal Amount, int EntryCount);

/// <summary>
/// Commissions, ledgers and payouts. Admin routes act on any partner; <c>/api/attribution/me/…</c> routes serve the
/// partner named by the token only (the partner portal), and <c>/partners/{id}/…</c> reads allow a partner only itself.
/// </summary>
public static class CommissionEndpoints
{
    private const string CodesList = "attribution.codes";
    private const string CommissionsList = "attribution.commissions";
    private const string PartnerPayoutsList = "attribution.partner-payouts";
    private const string PayoutBatchesList = "attribution.payout-batches";

    public static void MapCommissionEndpoints(this IEndpointRouteBuilder app)
    {
        var commissions = app.MapGroup("/api/attribution/commissions").WithTags("Commissions").RequireAuthorization(PartnerMeshPolicies.Admin);
        commissions.MapGet("/", ListCommissions).WithName(nameof(ListCommissions));
        commissions.MapPost("/approve-due", ApproveDue).WithName(nameof(ApproveDue));
        commissions.MapPost("/accrue-clicks", AccrueClicks).WithName(nameof(AccrueClicks));
        commissions.MapPost("/{id:guid}/release", Release).WithName(nameof(Release))
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        commissions.MapPost("/{id:guid}/reject", Reject).WithName(nameof(Reject))
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        var payouts = app.MapGroup("/api/attribution/payouts").WithTags("Payouts").RequireAuthorization(PartnerMeshPolicies.Admin);
        payouts.MapPost("/", CreatePayoutBatch).WithName(nameof(CreatePayoutBatch)).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        payouts.MapGet("/", ListPayoutBatches).WithName(nameof(ListPayoutBatches));
        payouts.MapGet("/{id:guid}", GetPayoutBatch).WithName(nameof(GetPayoutBatch)).ProducesProblem(StatusCodes.Status404NotFound);
        payouts.MapGet("/{id:guid}/export", ExportPayoutBatch).WithName(nameof(ExportPayoutBatch)).Produces<string>(contentType: "text/csv")
            .ProducesProblem(StatusCodes.Status404NotFound);

        var partner = app.MapGroup("/api/attribution/partners/{partnerId:guid}").WithTags("Commissions").RequireAuthorization(PartnerMeshPolicies.PartnerOrAdmin);
        partner.MapGet("/commissions", (Guid partnerId, string? status, int? limit, string? after, ClaimsPrincipal user, AttributionDbContext db, CancellationToken ct) =>
            OfPartner(partnerId, user, db, () => PartnerCommissions(partnerId, status, limit, after, db, ct), ct)).WithName("PartnerCommissions")
            .Produces<PageResponse<CommissionResponse>>();
        partner.MapGet("/ledger", (Guid partnerId, ClaimsPrincipal user, AttributionDbContext db, PayoutService payouts, CancellationToken ct) =>
            OfPartner(partnerId, user, db, () => Ledger(partnerId, payouts, ct), ct)).WithName("PartnerLedger").Produces<LedgerResponse>();
        partner.MapGet("/ledger.csv", (Guid partnerId, ClaimsPrincipal user, AttributionDbContext db, CancellationToken ct) =>
            OfPartner(partnerId, user, db, () => LedgerCsv(partnerId, db, ct), ct)).WithName("PartnerLedgerCsv").Produces<string>(contentType: "text/csv");
        partner.MapGet("/payouts", (Guid partnerId, int? limit, string? after, ClaimsPrincipal user, AttributionDbContext db, CancellationToken ct) =>
            OfPartner(partnerId, user, db, () => PartnerPayouts(partnerId, limit, after, db, ct), ct)).WithName("PartnerPayouts")
            .Produces<PageResponse<PartnerPayoutResponse>>();

        // The partner portal: the partner id comes from the token, never from the request.
        var me = app.MapGroup("/api/attribution/me").WithTags("Partner self-service").RequireAuthorization(SelfServicePolicy.Name);
        me.MapGet("/", (ClaimsPrincipal user, AttributionDbContext db, CancellationToken ct) => Self(user, id => Profile(id, db, ct))).WithName("MyProfile")
            .Produces<PartnerResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        me.MapGet("/links", (int? limit, string? after, ClaimsPrincipal user, AttributionDbContext db, CancellationToken ct) =>
            Self(user, id => Links(id, LinkEndpoints.LinksList, limit, after, db, LinkResponse.From, ct))).WithName("MyLinks").Produces<PageResponse<LinkResponse>>();
        me.MapGet("/codes", (int? limit, string? after, ClaimsPrincipal user, AttributionDbContext db, CancellationToken ct) =>
            Self(user, id => Links(id, CodesList, limit, after, db, link => new CodeResponse(link.Code, LinkRules.TrackingPath(link.Code), link.Active), ct))).WithName("MyCodes").Produces<PageResponse<CodeResponse>>();
        me.MapGet("/clicks/summary", (ClaimsPrincipal user, AttributionDbContext db, CancellationToken ct) =>
            Self(user, async id => (IResult)TypedResults.Ok(await ClickEndpoints.SummarizeAsync(db, id, ct)))).WithName("MyClickSummary").Produces<ClickSummaryResponse>();
        me.MapGet("/commissions", (string? status, int? limit, string? after, ClaimsPrincipal user, AttributionDbContext db, CancellationToken ct) =>
            Self(user, id => PartnerCommissions(id, status, limit, after, db, ct))).WithName("MyCommissions").Produces<PageResponse<CommissionResponse>>();
        me.MapGet("/ledger", (ClaimsPrincipal user, PayoutService payouts, CancellationToken ct) => Self(user, id => Ledger(id, payouts, ct))).WithName("MyLedger")
            .Produces<LedgerResponse>();
        me.MapGet("/ledger.csv", (ClaimsPrincipal user, AttributionDbContext db, CancellationToken ct) => Self(user, id => LedgerCsv(id, db, ct)))
            .WithName("MyLedgerCsv").Produces<string>(contentType: "text/csv");
        me.MapGet("/payouts", (int? limit, string? after, ClaimsPrincipal user, AttributionDbContext db, CancellationToken ct) =>
            Self(user, id => PartnerPayouts(id, limit, after, db, ct))).WithName("MyPayouts").Produces<PageResponse<PartnerPayoutResponse>>();
    }

    /// <summary>
    /// A read of one partner's data: a partner may read only itself (403), and an unknown partner is a 404, not an empty
    /// ledger that looks like a partner with nothing earned.
    /// </summary>
    private static async Task<IResult> OfPartner(Guid partnerId, ClaimsPrincipal user, AttributionDbContext db, Func<Task<IResult>> read, CancellationToken ct) =>
        !user.MayReadPartner(partnerId) ? TypedResults.Forbid()
        : await db.Partners.AnyAsync(partner => partner.Id == partnerId, ct) ? await read()
        : Problems.NotFound("Partner not found", $"No partner has id {partnerId}.");

    private static Task<IResult> Self(ClaimsPrincipal user, Func<Guid, Task<IResult>> handler) =>
        user.PartnerId() is { } id
            ? handler(id)
            : Task.FromResult<IResult>(TypedResults.Problem("These routes serve a partner's own data; the token names no partner.",
                statusCode: StatusCodes.Status403Forbidden, title: "No partner in the token"));

    private static async Task<IResult> Profile(Guid id, AttributionDbContext db, CancellationToken ct) =>
        await db.Partners.AsNoTracking().SingleOrDefaultAsync(partner => partner.Id == id, ct) is { } partner
            ? TypedResults.Ok(PartnerResponse.From(partner))
            : Problems.NotFound("Partner not found", $"No partner has id {id}.");

    /// <summary>The partner's own links (or their codes, <paramref name="list"/>), a page at a time in creation order.</summary>
    private static async Task<IResult> Links<TResponse>(
        Guid id, string list, int? limit, string? after, AttributionDbContext db, Func<ReferralLink, TResponse> map, CancellationToken ct)
    {
        if (Paging.Validate(list, limit, after, out var take, out var afterId) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var query = db.Links.AsNoTracking().Where(link => link.PartnerId == id);
        if (afterId is { } cursor)
        {
            query = query.Where(link => link.Id.CompareTo(cursor) > 0);
        }

        var rows = await query.OrderBy(link => link.Id).Take(take + 1).ToListAsync(ct);
        return TypedResults.Ok(Paging.ToPage(list, rows, take, link => link.Id, map));
    }

    private static async Task<IResult> PartnerCommissions(Guid partnerId, string? status, int? limit, string? after, AttributionDbContext db, CancellationToken ct)
    {
        if (Paging.Validate(CommissionsList, limit, after, out var take, out var afterId) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (status is not null && !CommissionStatus.All.Contains(status))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = [$"status must be one of: {string.Join(", ", CommissionStatus.All)}."] });
        }

        var query = db.Commissions.AsNoTracking().Where(c => c.PartnerId == partnerId);
        if (status is not null)
        {
            query = query.Where(c => c.Status == status);
        }

        if (afterId is { } cursor)
        {
            query = query.Where(c => c.Id.CompareTo(cursor) > 0);
        }

        var rows = await query.OrderBy(c => c.Id).Take(take + 1).ToListAsync(ct);
        return TypedResults.Ok(Paging.ToPage(CommissionsList, rows, take, c => c.Id, CommissionResponse.From));
    }

    private static async Task<IResult> Ledger(Guid partnerId, PayoutService payouts, CancellationToken ct) =>
        TypedResults.Ok(await payouts.LedgerAsync(partnerId, ct));

    private static async Task<IResult> LedgerCsv(Guid partnerId, AttributionDbContext db, CancellationToken ct)
    {
        var entries = await db.Commissions.AsNoTracking().Where(c => c.PartnerId == partnerId).OrderBy(c => c.Id).ToListAsync(ct);
        var csv = Csv.Build(
            ["commission_id", "created_at", "kind", "order_id", "amount", "currency", "status", "hold_until", "hold_reasons", "original_commission_id", "payout_batch_id", "paid_at"],
            entries.Select(c => new object?[]
            {
                c.Id, c.CreatedAt, c.Kind, c.OrderId, Money.Round(c.Amount, c.Currency), c.Currency, c.Status, c.HoldUntil, c.HoldReasons,
                c.OriginalCommissionId, c.PayoutBatchId, c.PaidAt,
            }));
        return TypedResults.Text(csv, "text/csv; charset=utf-8");
    }

    /// <summary>The partner's payouts, a page of payout batches at a time (oldest first): each batch's item per currency.</summary>
    private static async Task<IResult> PartnerPayouts(Guid partnerId, int? limit, string? after, AttributionDbContext db, CancellationToken ct)
    {
        if (Paging.Validate(PartnerPayoutsList, limit, after, out var take, out var afterId) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var batches = db.PayoutItems.AsNoTracking().Where(item => item.PartnerId == partnerId).Select(item => item.BatchId).Distinct();
        if (afterId is { } cursor)
        {
            batches = batches.Where(batch => batch.CompareTo(cursor) > 0);
        }

        var page = await batches.OrderBy(batch => batch).Take(take + 1).ToListAsync(ct);
        var shown = page.Take(take).ToList();
        var items = await db.PayoutItems.AsNoTracking().Where(item => item.PartnerId == partnerId && shown.Contains(item.BatchId))
            .Join(db.PayoutBatches, item => item.BatchId, batch => batch.Id, (item, batch) => new { item, batch.CreatedAt })
            .OrderBy(row => row.item.BatchId).ThenBy(row => row.item.Currency).ToListAsync(ct);
        return TypedResults.Ok(new PageResponse<PartnerPayoutResponse>(
            [.. items.Select(row => new PartnerPayoutResponse(row.item.BatchId, row.CreatedAt, row.item.Currency, Money.Round(row.item.Amount, row.item.Currency), row.item.EntryCount))],
            page.Count > take ? Paging.EncodeCursor(PartnerPayoutsList, shown[^1]) : null));
    }

    private static async Task<Results<Ok<PageResponse<CommissionResponse>>, ValidationProblem>> ListCommissions(
        Guid? partnerId, string? status, int? limit, string? after, AttributionDbContext db, CancellationToken ct)
    {
        if (Paging.Validate(CommissionsList, limit, after, out var take, out var afterId) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (status is not null && !CommissionStatus.All.Contains(status))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = [$"status must be one of: {string.Join(", ", CommissionStatus.All)}."] });
        }

        var query = db.Commissions.AsNoTracking();
        if (partnerId is { } id)
        {
            query = query.Where(c => c.PartnerId == id);
        }

        if (status is not null)
        {
            query = query.Where(c => c.Status == status);
        }

        if (afterId is { } cursor)
        {
            query = query.Where(c => c.Id.CompareTo(cursor) > 0);
        }

        var rows = await query.OrderBy(c => c.Id).Take(take + 1).ToListAsync(ct);
        return TypedResults.Ok(Paging.ToPage(CommissionsList, rows, take, c => c.Id, CommissionResponse.From));
    }

    /// <summary>Books per-click commission for the closed hours now, instead of waiting for the background pass.</summary>
    private static async Task<Ok<AccrueClicksResponse>> AccrueClicks(ClickCommissionAccrual accrual, CancellationToken ct) =>
        TypedResults.Ok(new AccrueClicksResponse(await accrual.AccrueAsync(ct)));

    private static async Task<Ok<ApproveDueResponse>> ApproveDue(CommissionLifecycle lifecycle, CancellationToken ct)
    {
        var total = 0;
        int approved;
        while ((approved = await lifecycle.ApproveDueAsync(500, ct)) > 0)
        {
            total += approved;
        }

        return TypedResults.Ok(new ApproveDueResponse(total));
    }

    private static async Task<Results<Ok<CommissionResponse>, ProblemHttpResult>> Release(Guid id, CommissionLifecycle lifecycle, CancellationToken ct) =>
        Review(await lifecycle.ReleaseAsync(id, ct), id, "held");

    private static async Task<Results<Ok<CommissionResponse>, ProblemHttpResult>> Reject(Guid id, CommissionLifecycle lifecycle, CancellationToken ct) =>
        Review(await lifecycle.RejectAsync(id, ct), id, "held or pending");

    private static Results<Ok<CommissionResponse>, ProblemHttpResult> Review((ReviewOutcome Outcome, Commission? Entry) result, Guid id, string states) =>
        result.Outcome switch
        {
            ReviewOutcome.Done => TypedResults.Ok(CommissionResponse.From(result.Entry!)),
            ReviewOutcome.NotFound => Problems.NotFound("Commission not found", $"No commission has id {id}."),
            ReviewOutcome.FollowsItsEntry => Problems.Conflict("Commission follows its entry",
                $"Commission {id} is a {result.Entry!.Kind} of commission {result.Entry.OriginalCommissionId}: it is held, released and rejected with that entry. Review commission {result.Entry.OriginalCommissionId} instead."),
            _ => Problems.Conflict("Commission not reviewable", $"Only {states} commissions can be reviewed this way."),
        };

    private static async Task<Results<Created<PayoutBatchResponse>, Ok<PayoutBatchResponse>, ValidationProblem, ProblemHttpResult>> CreatePayoutBatch(
        [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey, PayoutService payouts, CancellationToken ct)
    {
        if (IdempotencyKeys.Validate(idempotencyKey) is { } keyProblem)
        {
            return keyProblem;
        }

        var result = await payouts.CreateBatchAsync(idempotencyKey, ct);
        if (result.Batch is not { } batch)
        {
            return Problems.Refused(StatusCodes.Status422UnprocessableEntity, PayoutService.NothingPayableReason, "Nothing payable", result.NothingPayable);
        }

        var response = PayoutBatchResponse.From(batch);
        return result.Replayed ? TypedResults.Ok(response) : TypedResults.Created($"/api/attribution/payouts/{batch.Id}", response);
    }

    private static async Task<Results<Ok<PageResponse<PayoutBatchResponse>>, ValidationProblem>> ListPayoutBatches(
        int? limit, string? after, AttributionDbContext db, CancellationToken ct)
    {
        if (Paging.Validate(PayoutBatchesList, limit, after, out var take, out var afterId) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var query = db.PayoutBatches.AsNoTracking().Include(batch => batch.Items).AsQueryable();
        if (afterId is { } cursor)
        {
            query = query.Where(batch => batch.Id.CompareTo(cursor) > 0);
        }

        var rows = await query.OrderBy(batch => batch.Id).Take(take + 1).ToListAsync(ct);
        return TypedResults.Ok(Paging.ToPage(PayoutBatchesList, rows, take, batch => batch.Id, PayoutBatchResponse.From));
    }

    private static async Task<Results<Ok<PayoutBatchResponse>, ProblemHttpResult>> GetPayoutBatch(Guid id, PayoutService payouts, CancellationToken ct) =>
        await payouts.FindAsync(id, ct) is { } batch
            ? TypedResults.Ok(PayoutBatchResponse.From(batch))
            : Problems.NotFound("Payout batch not found", $"No payout batch has id {id}.");

    /// <summary>One row per partner and currency, ready for a bank or payment-provider bulk upload.</summary>
    private static async Task<IResult> ExportPayoutBatch(Guid id, PayoutService payouts, AttributionDbContext db, CancellationToken ct)
    {
        if (await payouts.FindAsync(id, ct) is not { } batch)
        {
            return Problems.NotFound("Payout batch not found", $"No payout batch has id {id}.");
        }

        var partnerIds = batch.Items.Select(item => item.PartnerId).ToList();
        var partners = await db.Partners.AsNoTracking().Where(partner => partnerIds.Contains(partner.Id)).ToDictionaryAsync(partner => partner.Id, ct);
        var csv = Csv.Build(
            ["payout_batch_id", "partner_id", "partner_name", "partner_email", "currency", "amount", "entry_count"],
            batch.Items.OrderBy(item => item.PartnerId).ThenBy(item => item.Currency).Select(item => new object?[]
            {
                batch.Id, item.PartnerId, partners.GetValueOrDefault(item.PartnerId)?.Name, partners.GetValueOrDefault(item.PartnerId)?.Email,
                item.Currency, Money.Round(item.Amount, item.Currency), item.EntryCount,
            }));
        return TypedResults.Text(csv, "text/csv; charset=utf-8");
    }
}
