using System.Net;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using PartnerMesh.PartnerPortal.Api.Analytics;
using PartnerMesh.PartnerPortal.Api.Portal;

namespace PartnerMesh.PartnerPortal.Api.Attribution;

/// <summary>
/// Every partner-scoped read attribution-api offers, for the signed-in partner: the Earnings and Links &amp; codes pages,
/// accepting the program's agreement, and the BFF calls that pass attribution's answers on (its page, or its 400 or 404
/// problem, unchanged). The partner always comes from the session: no parameter names a partner, and attribution takes it
/// from the token the portal signs for it.
/// </summary>
public static class PartnerAttributionEndpoints
{
    private const string LedgerCsvFileName = "commission-ledger.csv";

    public static IEndpointRouteBuilder MapPartnerAttributionEndpoints(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup(PortalSession.PathPrefix).WithTags("Portal").ExcludeFromDescription()
            .AddEndpointFilter(PortalEndpoints.AddPageHeaders).RequireAuthorization(PortalPolicies.PartnerSession);
        pages.MapGet("/earnings", ShowEarnings).WithName(nameof(ShowEarnings));
        pages.MapGet("/links", ShowLinks).WithName(nameof(ShowLinks));
        // Validated against antiforgery explicitly, like the sign-out form.
        pages.MapPost("/agreements/{id:guid}/acceptance", AcceptAgreementForm).WithName(nameof(AcceptAgreementForm)).DisableAntiforgery();

        // Attribution unreachable, or any answer but the ones passed on: 503 (PassOn).
        var group = app.MapGroup(PortalSession.PathPrefix + "/api").WithTags("Portal BFF")
            .RequireAuthorization(PortalPolicies.PartnerSession).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/profile", GetPartnerProfile).WithName(nameof(GetPartnerProfile)).Produces<PartnerProfile>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The session's partner as attribution knows it: kind, status, commission rate, program, budget (attribution's answer)");
        group.MapGet("/links", ListPartnerLinks).WithName(nameof(ListPartnerLinks)).Produces<AttributionPage<PartnerLink>>()
            .WithSummary("The session's partner's referral links with their tracking paths and absolute tracking URLs, cursor-paged (attribution's answer)");
        group.MapGet("/codes", ListPartnerCodes).WithName(nameof(ListPartnerCodes)).Produces<AttributionPage<PartnerCode>>()
            .WithSummary("The session's partner's referral codes with their tracking paths and absolute tracking URLs, cursor-paged (attribution's answer)");
        group.MapGet("/clicks/summary", GetPartnerClickSummary).WithName(nameof(GetPartnerClickSummary)).Produces<ClickSummary>()
            .WithSummary("The session's partner's clicks: total, duplicates, unique visitors, paid-traffic clicks, last click (attribution's answer)");
        group.MapGet("/commissions", ListPartnerCommissions).WithName(nameof(ListPartnerCommissions)).Produces<AttributionPage<PartnerCommission>>()
            .WithSummary("The session's partner's commissions with status and hold reasons, oldest first, cursor-paged (attribution's answer)");
        group.MapGet("/ledger", GetPartnerLedger).WithName(nameof(GetPartnerLedger)).Produces<PartnerLedger>()
            .WithSummary("The session's partner's ledger per currency: earned, pending, held, approved, paid, reversed, clawed back, rejected (attribution's answer)");
        group.MapGet("/ledger.csv", GetPartnerLedgerCsv).WithName(nameof(GetPartnerLedgerCsv)).Produces<string>(contentType: "text/csv")
            .WithSummary("The session's partner's ledger entries as a CSV download (attribution's answer)");
        group.MapGet("/payouts", ListPartnerPayouts).WithName(nameof(ListPartnerPayouts)).Produces<AttributionPage<PartnerPayout>>()
            .WithSummary("What each payout batch paid the session's partner, per currency, cursor-paged (attribution's answer)");
        group.MapGet("/agreements", ListPartnerAgreements).WithName(nameof(ListPartnerAgreements)).Produces<List<ProgramAgreement>>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The agreement versions of the session's partner's program, oldest first; empty without a program (attribution's answer)");
        group.MapPost("/agreements/{id:guid}/acceptance", AcceptPartnerAgreement).WithName(nameof(AcceptPartnerAgreement)).Produces<ProgramAgreement>()
            .WithSummary("Accepts an agreement of the session's partner's program (idempotent); needs a portal page's antiforgery token in the RequestVerificationToken header");
        return app;
    }

    private static async Task<ContentHttpResult> ShowEarnings(
        string? status, string? after, string? payoutsAfter, Guid? accepted, Guid? notAccepted, ClaimsPrincipal user, HttpContext httpContext,
        IAntiforgery antiforgery, AttributionClient attribution, CancellationToken cancellationToken)
    {
        var (accountId, partnerId) = user.SessionIds();
        // An empty choice of the status form means "every status", not an empty status.
        var commissionQuery = new Dictionary<string, string?> { ["status"] = NullIfEmpty(status), ["after"] = NullIfEmpty(after) };
        var ledgerCall = attribution.GetLedgerAsync(accountId, partnerId, cancellationToken);
        var commissionsCall = attribution.GetCommissionsAsync(accountId, partnerId, commissionQuery, cancellationToken);
        var payoutsCall = attribution.GetPayoutsAsync(accountId, partnerId, new Dictionary<string, string?> { ["after"] = NullIfEmpty(payoutsAfter) }, cancellationToken);
        var agreementsCall = attribution.GetAgreementsAsync(accountId, partnerId, cancellationToken);
        var commissions = await commissionsCall;
        var payouts = await payoutsCall;
        var commissionErrors = Refusal(commissions, EarningsPage.ChoiceMessage);
        var payoutErrors = Refusal(payouts, EarningsPage.ChoiceMessage);

        var model = new EarningsPageModel(
            user.Email(),
            attribution.Read<PartnerLedger>(await ledgerCall, partnerId),
            attribution.Read<AttributionPage<PartnerCommission>>(commissions, partnerId),
            attribution.Read<AttributionPage<PartnerPayout>>(payouts, partnerId),
            attribution.Read<List<ProgramAgreement>>(await agreementsCall, partnerId),
            commissionQuery["status"],
            commissionQuery["after"],
            NullIfEmpty(payoutsAfter),
            commissionErrors,
            payoutErrors,
            accepted,
            notAccepted);
        var tokens = antiforgery.GetAndStoreTokens(httpContext);
        return TypedResults.Content(
            EarningsPage.Render(model, tokens.FormFieldName, tokens.RequestToken!), PortalEndpoints.HtmlContentType,
            statusCode: commissionErrors is null && payoutErrors is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    private static async Task<ContentHttpResult> ShowLinks(
        string? after, ClaimsPrincipal user, HttpContext httpContext, IAntiforgery antiforgery, AttributionClient attribution,
        TrackingLinks trackingLinks, CancellationToken cancellationToken)
    {
        var (accountId, partnerId) = user.SessionIds();
        var query = new Dictionary<string, string?> { ["after"] = NullIfEmpty(after) };
        var summaryCall = attribution.GetClickSummaryAsync(accountId, partnerId, cancellationToken);
        var links = await attribution.GetLinksAsync(accountId, partnerId, query, cancellationToken);
        var errors = Refusal(links, LinksPage.ChoiceMessage);

        var model = new LinksPageModel(
            user.Email(),
            trackingLinks.PublicBase(httpContext.Request),
            attribution.Read<ClickSummary>(await summaryCall, partnerId),
            attribution.Read<AttributionPage<PartnerLink>>(links, partnerId),
            query["after"],
            errors);
        var tokens = antiforgery.GetAndStoreTokens(httpContext);
        return TypedResults.Content(
            LinksPage.Render(model, tokens.FormFieldName, tokens.RequestToken!), PortalEndpoints.HtmlContentType,
            statusCode: errors is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    /// <summary>The Earnings page's "Accept" button: back to the page, which says whether it worked.</summary>
    private static async Task<Results<RedirectHttpResult, ProblemHttpResult>> AcceptAgreementForm(
        Guid id, ClaimsPrincipal user, HttpContext httpContext, IAntiforgery antiforgery, AttributionClient attribution,
        CancellationToken cancellationToken)
    {
        if (!await antiforgery.IsRequestValidAsync(httpContext))
        {
            return PortalProblems.FormExpired();
        }

        var (accountId, partnerId) = user.SessionIds();
        var answer = await attribution.AcceptAgreementAsync(accountId, partnerId, id, cancellationToken);
        var outcome = answer is { StatusCode: HttpStatusCode.OK } ? "accepted" : "notAccepted";
        return TypedResults.LocalRedirect($"{EarningsPage.Path}?{outcome}={id}#agreement-title");
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetPartnerProfile(
        ClaimsPrincipal user, AttributionClient attribution, CancellationToken cancellationToken)
    {
        var (accountId, partnerId) = user.SessionIds();
        return PassOn(await attribution.GetProfileAsync(accountId, partnerId, cancellationToken), notFound: true);
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> ListPartnerLinks(
        string? limit, string? after, ClaimsPrincipal user, HttpRequest request, AttributionClient attribution, TrackingLinks trackingLinks,
        CancellationToken cancellationToken)
    {
        var (accountId, partnerId) = user.SessionIds();
        var answer = await attribution.GetLinksAsync(accountId, partnerId, Page(limit, after), cancellationToken);
        return PassOn(WithTrackingUrls(answer, trackingLinks.PublicBase(request)));
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> ListPartnerCodes(
        string? limit, string? after, ClaimsPrincipal user, HttpRequest request, AttributionClient attribution, TrackingLinks trackingLinks,
        CancellationToken cancellationToken)
    {
        var (accountId, partnerId) = user.SessionIds();
        var answer = await attribution.GetCodesAsync(accountId, partnerId, Page(limit, after), cancellationToken);
        return PassOn(WithTrackingUrls(answer, trackingLinks.PublicBase(request)));
    }

    /// <summary>
    /// Attribution's page of links or codes with each item's <c>trackingUrl</c> added beside its <c>trackingPath</c>; any
    /// other answer as it came, and a page that is not JSON as no answer (a 503, like attribution unavailable).
    /// </summary>
    private static AnalyticsAnswer? WithTrackingUrls(AnalyticsAnswer? answer, string publicBase)
    {
        if (answer is not { StatusCode: HttpStatusCode.OK })
        {
            return answer;
        }

        JsonNode? page;
        try
        {
            page = JsonNode.Parse(answer.Body);
        }
        catch (JsonException)
        {
            return null;
        }

        if (page?["items"] is not JsonArray items)
        {
            return null;
        }

        foreach (var item in items.OfType<JsonObject>())
        {
            if (item["trackingPath"] is JsonValue path && path.TryGetValue<string>(out var trackingPath)
                && TrackingLinks.Absolute(publicBase, trackingPath) is { } url)
            {
                item["trackingUrl"] = url;
            }
        }

        return answer with { Body = page.ToJsonString() };
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetPartnerClickSummary(
        ClaimsPrincipal user, AttributionClient attribution, CancellationToken cancellationToken)
    {
        var (accountId, partnerId) = user.SessionIds();
        return PassOn(await attribution.GetClickSummaryAsync(accountId, partnerId, cancellationToken));
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> ListPartnerCommissions(
        string? status, string? limit, string? after, ClaimsPrincipal user, AttributionClient attribution, CancellationToken cancellationToken)
    {
        var (accountId, partnerId) = user.SessionIds();
        var query = new Dictionary<string, string?> { ["status"] = status, ["limit"] = limit, ["after"] = after };
        return PassOn(await attribution.GetCommissionsAsync(accountId, partnerId, query, cancellationToken));
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetPartnerLedger(
        ClaimsPrincipal user, AttributionClient attribution, CancellationToken cancellationToken)
    {
        var (accountId, partnerId) = user.SessionIds();
        return PassOn(await attribution.GetLedgerAsync(accountId, partnerId, cancellationToken));
    }

    /// <summary>Attribution's CSV as a download, under attribution's file name if it gives one.</summary>
    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetPartnerLedgerCsv(
        ClaimsPrincipal user, HttpContext httpContext, AttributionClient attribution, CancellationToken cancellationToken)
    {
        var (accountId, partnerId) = user.SessionIds();
        var answer = await attribution.GetLedgerCsvAsync(accountId, partnerId, cancellationToken);
        if (answer is { StatusCode: HttpStatusCode.OK })
        {
            httpContext.Response.Headers.ContentDisposition = answer.ContentDisposition ?? $"attachment; filename=\"{LedgerCsvFileName}\"";
        }

        return PassOn(answer);
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> ListPartnerPayouts(
        string? limit, string? after, ClaimsPrincipal user, AttributionClient attribution, CancellationToken cancellationToken)
    {
        var (accountId, partnerId) = user.SessionIds();
        return PassOn(await attribution.GetPayoutsAsync(accountId, partnerId, Page(limit, after), cancellationToken));
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> ListPartnerAgreements(
        ClaimsPrincipal user, AttributionClient attribution, CancellationToken cancellationToken)
    {
        var (accountId, partnerId) = user.SessionIds();
        return PassOn(await attribution.GetAgreementsAsync(accountId, partnerId, cancellationToken), notFound: true);
    }

    /// <summary>
    /// A change made with the session cookie: it carries the antiforgery token of a portal page (SameSite=Strict already
    /// keeps other sites' requests from carrying the cookie; the token also stops a same-site page that is not the portal).
    /// </summary>
    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> AcceptPartnerAgreement(
        Guid id, ClaimsPrincipal user, HttpContext httpContext, IAntiforgery antiforgery, AttributionClient attribution,
        CancellationToken cancellationToken)
    {
        if (!await antiforgery.IsRequestValidAsync(httpContext))
        {
            return PortalProblems.AntiforgeryRefused(httpContext);
        }

        var (accountId, partnerId) = user.SessionIds();
        return PassOn(await attribution.AcceptAgreementAsync(accountId, partnerId, id, cancellationToken), notFound: true);
    }

    /// <summary>
    /// Attribution's answer, its 400 problem (a bad parameter) or, with <paramref name="notFound"/>, its 404 as they came;
    /// anything else (unreachable, a 5xx, a refusal of the portal's token) is a 503 problem.
    /// </summary>
    private static Results<ContentHttpResult, ProblemHttpResult> PassOn(AnalyticsAnswer? answer, bool notFound = false)
    {
        if (answer is { StatusCode: HttpStatusCode.OK or HttpStatusCode.BadRequest }
            || (notFound && answer is { StatusCode: HttpStatusCode.NotFound }))
        {
            return TypedResults.Content(answer.Body, answer.ContentType, statusCode: (int)answer.StatusCode);
        }

        return TypedResults.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Earnings unavailable",
            detail: EarningsPage.UnavailableMessage);
    }

    /// <summary>What attribution's 400 for a page's choice says; null when it did not refuse.</summary>
    private static List<(string? Field, string Message)>? Refusal(AnalyticsAnswer? answer, string fallback) =>
        answer is { StatusCode: HttpStatusCode.BadRequest } ? PortalProblems.Messages(answer.Body, fallback) : null;

    private static Dictionary<string, string?> Page(string? limit, string? after) => new() { ["limit"] = limit, ["after"] = after };

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
