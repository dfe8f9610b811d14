using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>
/// Stands in for attribution-api's partner self-service routes on 127.0.0.1, with canned data of the token's partner
/// (every order id, code and link names the partner, so a test can tell whose data it sees), and records every request
/// (method, path, query, Authorization). Like attribution, <c>/me/…</c> answers for the token's partner only, the program's
/// agreements only to its partners, and an acceptance only for the token's own partner.
/// </summary>
public sealed class FakeAttribution : IAsyncDisposable
{
    public const string SecondPage = "c2";

    private static readonly DateTimeOffset Booked = new(2026, 11, 20, 9, 30, 0, TimeSpan.Zero);

    private WebApplication? _app;

    public ConcurrentQueue<RecordedAttributionRequest> Requests { get; } = new();

    /// <summary>When set, every request is answered with this status.</summary>
    public HttpStatusCode? FailWith { get; set; }

    /// <summary>Partners that belong to no program (a flat rate): they have no agreements.</summary>
    public ConcurrentDictionary<Guid, bool> WithoutProgram { get; } = new();

    /// <summary>The agreements accepted, as (partner, agreement).</summary>
    public ConcurrentQueue<(Guid PartnerId, Guid AgreementId)> Acceptances { get; } = new();

    public Uri BaseAddress { get; private set; } = null!;

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapGet("/api/attribution/me", (HttpRequest request) => Own(request, Profile));
        _app.MapGet("/api/attribution/me/links", (HttpRequest request) => Own(request, partner => Paged(request, partner, Links)));
        _app.MapGet("/api/attribution/me/codes", (HttpRequest request) => Own(request, partner => Paged(request, partner, Codes)));
        _app.MapGet("/api/attribution/me/clicks/summary", (HttpRequest request) => Own(request, ClickSummary));
        _app.MapGet("/api/attribution/me/commissions", (HttpRequest request) => Own(request, partner => Commissions(request, partner)));
        _app.MapGet("/api/attribution/me/ledger", (HttpRequest request) => Own(request, Ledger));
        _app.MapGet("/api/attribution/me/ledger.csv", (HttpRequest request) => Own(request, LedgerCsv));
        _app.MapGet("/api/attribution/me/payouts", (HttpRequest request) => Own(request, partner => Paged(request, partner, Payouts)));
        _app.MapGet("/api/attribution/programs/{programId:guid}/agreements", (Guid programId, HttpRequest request) =>
            Own(request, partner => ProgramOf(partner) == programId
                ? Results.Json(Agreements(programId))
                : Results.Problem("Only the program's partners read its agreements.", statusCode: StatusCodes.Status403Forbidden)));
        _app.MapPost("/api/attribution/partners/{partnerId:guid}/agreements/{agreementId:guid}/acceptance", (Guid partnerId, Guid agreementId, HttpRequest request) =>
            Own(request, partner => Accept(partner, partnerId, agreementId)));
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Urls.Single());
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    /// <summary>The partner's program (none for <see cref="WithoutProgram"/>).</summary>
    public Guid? ProgramOf(Guid partnerId) => WithoutProgram.ContainsKey(partnerId) ? null : Derived(partnerId, 1);

    /// <summary>Version 2, the latest agreement of the partner's program.</summary>
    public static Guid LatestAgreementOf(Guid programId) => Derived(programId, 2);

    /// <summary>A short mark of the partner in its data: the first 8 hex digits of its id.</summary>
    public static string Mark(Guid partnerId) => partnerId.ToString("N")[..8];

    public static string CodeOf(Guid partnerId) => $"p-{Mark(partnerId)}";

    public static string OrderOf(Guid partnerId) => $"order-{Mark(partnerId)}";

    /// <summary>The answer for the token's partner; a request without a partner token is attribution's 403.</summary>
    private IResult Own(HttpRequest request, Func<Guid, IResult> answer)
    {
        var partner = PartnerToken.PartnerOf(request);
        Requests.Enqueue(new RecordedAttributionRequest(
            partner ?? Guid.Empty, request.Method, request.Path, request.QueryString.Value ?? "", request.Headers.Authorization.ToString()));
        if (FailWith is { } status)
        {
            return Results.StatusCode((int)status);
        }

        return partner is { } own
            ? answer(own)
            : Results.Problem("These routes serve a partner's own data; the token names no partner.", statusCode: StatusCodes.Status403Forbidden);
    }

    private IResult Profile(Guid partnerId) => Results.Json(new
    {
        id = partnerId,
        name = "Acme Deals",
        email = $"{Mark(partnerId)}@partner.example",
        kind = "affiliate",
        commissionRate = 0.1m,
        createdAt = Booked,
        status = "active",
        programId = ProgramOf(partnerId),
        customerId = (string?)null,
        budget = (decimal?)null,
    });

    /// <summary>Two pages of items: the first (no <c>after</c>) points to <see cref="SecondPage"/>; any other cursor is a 400.</summary>
    private static IResult Paged(HttpRequest request, Guid partnerId, Func<Guid, bool, object[]> items)
    {
        if (Refusal(request) is { } refused)
        {
            return refused;
        }

        var second = request.Query["after"] == SecondPage;
        return Results.Json(new { items = items(partnerId, second), nextCursor = second ? null : SecondPage });
    }

    private static IResult? Refusal(HttpRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Query.ContainsKey("limit") && !(int.TryParse(request.Query["limit"], out var limit) && limit is >= 1 and <= 200))
        {
            errors["limit"] = ["limit must be between 1 and 200."];
        }

        if (request.Query.ContainsKey("after") && request.Query["after"] != SecondPage)
        {
            errors["after"] = ["after is not a cursor returned by this API."];
        }

        if (request.Query.ContainsKey("status") && request.Query["status"].ToString() is not ("pending" or "held" or "approved" or "paid" or "rejected"))
        {
            errors["status"] = ["status must be one of: pending, held, approved, paid, rejected."];
        }

        return errors.Count == 0 ? null : Results.ValidationProblem(errors);
    }

    private static object[] Links(Guid partnerId, bool second) => [.. LinkRows(partnerId, second)];

    private static FakeLink[] LinkRows(Guid partnerId, bool second) => second
        ? [Link(partnerId, $"{CodeOf(partnerId)}-old", "https://shop.example/old", active: false)]
        : [Link(partnerId, CodeOf(partnerId), "https://shop.example/spring?utm_source=partner&x=\"><script>alert(1)</script>", active: true)];

    private static FakeLink Link(Guid partnerId, string code, string targetUrl, bool active) =>
        new(Derived(partnerId, code.Length), partnerId, code, targetUrl, $"/r/{code}", active, Booked);

    private static object[] Codes(Guid partnerId, bool second) =>
        [.. LinkRows(partnerId, second).Select(link => new { code = link.Code, trackingPath = link.TrackingPath, active = link.Active })];

    private static IResult ClickSummary(Guid partnerId) => Results.Json(new
    {
        partnerId,
        clicks = 1249L,
        duplicateClicks = 17L,
        uniqueVisitors = 1100L,
        paidClicks = 3L,
        lastClickAt = new DateTimeOffset(2026, 12, 5, 10, 15, 0, TimeSpan.Zero),
    });

    /// <summary>A held sale with two hold reasons, a paid sale and a clawback, then (second page) a pending lead.</summary>
    private static IResult Commissions(HttpRequest request, Guid partnerId) => Paged(request, partnerId, (partner, second) =>
    {
        var all = second
            ? new[] { Commission(partner, 4, "lead", null, 2.5m, "EUR", "pending", [], "lead sign-up") }
            :
            [
                Commission(partner, 1, "sale", OrderOf(partner), 12.5m, "EUR", "held", ["self-referral", "code-leak"], null),
                Commission(partner, 2, "sale", OrderOf(partner) + "-b", 800m, "EUR", "paid", [], null),
                Commission(partner, 3, "clawback", OrderOf(partner) + "-b", -12.34m, "EUR", "approved", [], null),
            ];
        var status = request.Query["status"].ToString();
        return [.. all.Where(commission => status.Length == 0 || commission.Status == status)];
    });

    private static FakeCommission Commission(
        Guid partnerId, int n, string kind, string? orderId, decimal amount, string currency, string status, string[] holdReasons, string? note) => new(
        Derived(partnerId, 10 + n), kind, partnerId, null, orderId, amount, currency, status, Booked.AddDays(30), holdReasons, note, null,
        status == "paid" ? Derived(partnerId, 99) : null, 1, 0.1m, Booked,
        status is "approved" or "paid" ? Booked.AddDays(30) : null, status == "paid" ? Booked.AddDays(31) : null);

    private static IResult Ledger(Guid partnerId) => Results.Json(new
    {
        partnerId,
        totals = new object[]
        {
            new { currency = "EUR", earned = 1234.5m, pending = 100m, held = 25.5m, approved = 296.66m, paid = 800m, reversed = 10m, clawedBack = 12.34m, rejected = 5m },
            new { currency = "JPY", earned = 5000m, pending = 5000m, held = 0m, approved = 0m, paid = 0m, reversed = 0m, clawedBack = 0m, rejected = 0m },
        },
    });

    private static IResult LedgerCsv(Guid partnerId) => Results.Text(
        "commission_id,created_at,kind,order_id,amount,currency,status\n"
        + $"{Derived(partnerId, 11)},2026-11-20T09:30:00+00:00,sale,{OrderOf(partnerId)},12.50,EUR,held\n",
        "text/csv; charset=utf-8");

    private static object[] Payouts(Guid partnerId, bool second) => second
        ? []
        : [new { payoutBatchId = Derived(partnerId, 99), createdAt = Booked.AddDays(31), currency = "EUR", amount = 800m, entryCount = 12 }];

    private static FakeAgreement[] Agreements(Guid programId) =>
    [
        new(Derived(programId, 1), programId, 1, "Program terms", "The first terms.", Booked.AddDays(-60)),
        new(LatestAgreementOf(programId), programId, 2, "Program terms <2027>", "Commission is paid monthly.\nNo brand bidding: <b>never</b>.", Booked),
    ];

    private IResult Accept(Guid tokenPartner, Guid partnerId, Guid agreementId)
    {
        if (tokenPartner != partnerId)
        {
            return Results.Problem("A partner accepts only for itself.", statusCode: StatusCodes.Status403Forbidden);
        }

        if (ProgramOf(partnerId) is not { } programId || Agreements(programId).All(agreement => agreement.Id != agreementId))
        {
            return Results.Problem($"Partner {partnerId} has no agreement {agreementId} in its program.", statusCode: StatusCodes.Status404NotFound, title: "Agreement not found");
        }

        Acceptances.Enqueue((partnerId, agreementId));
        return Results.Json(Agreements(programId).Single(agreement => agreement.Id == agreementId));
    }

    /// <summary>A stable id made from another and a number; it starts like the other (so it carries the partner's mark).</summary>
    private static Guid Derived(Guid id, int n)
    {
        var bytes = id.ToByteArray(bigEndian: true);
        bytes[14] ^= (byte)n;
        bytes[15] ^= (byte)(n * 31);
        return new Guid(bytes, bigEndian: true);
    }
}

internal sealed record FakeLink(Guid Id, Guid PartnerId, string Code, string TargetUrl, string TrackingPath, bool Active, DateTimeOffset CreatedAt);

/// <summary>attribution-api's <c>CommissionResponse</c>, serialized as it does.</summary>
internal sealed record FakeCommission(
    Guid Id, string Kind, Guid PartnerId, Guid? ProgramId, string? OrderId, decimal Amount, string Currency, string Status, DateTimeOffset HoldUntil,
    string[] HoldReasons, string? Note, Guid? OriginalCommissionId, Guid? PayoutBatchId, int? PlanVersion, decimal? Rate, DateTimeOffset CreatedAt,
    DateTimeOffset? ApprovedAt, DateTimeOffset? PaidAt);

internal sealed record FakeAgreement(Guid Id, Guid ProgramId, int Version, string Title, string Body, DateTimeOffset CreatedAt);

public sealed record RecordedAttributionRequest(Guid PartnerId, string Method, string Path, string Query, string Authorization);
