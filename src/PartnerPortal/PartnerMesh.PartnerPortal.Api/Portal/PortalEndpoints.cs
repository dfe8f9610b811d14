using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.PartnerPortal.Api.Accounts;
using PartnerMesh.PartnerPortal.Api.Analytics;
using PartnerMesh.PartnerPortal.Api.Infrastructure;
using PartnerMesh.PartnerPortal.Api.SignInSecurity;

namespace PartnerMesh.PartnerPortal.Api.Portal;

/// <summary>The partner-facing pages under <c>/portal</c> (the gateway forwards that prefix unchanged).</summary>
public static class PortalEndpoints
{
    internal const string HtmlContentType = "text/html; charset=utf-8";
    private const int DashboardDays = 30;

    public static RouteGroupBuilder MapPortalEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(PortalSession.PathPrefix).WithTags("Portal").ExcludeFromDescription()
            .AddEndpointFilter(AddPageHeaders);

        group.MapGet("/login", ShowSignIn).WithName(nameof(ShowSignIn)).AllowAnonymous();
        // The form posts are validated against antiforgery explicitly, so a stale form gets a page, not a bare 400.
        group.MapPost("/login", SignIn).WithName(nameof(SignIn)).AllowAnonymous().DisableAntiforgery();
        group.MapPost("/logout", SignOut).WithName(nameof(SignOut))
            .RequireAuthorization(PortalPolicies.PartnerSession).DisableAntiforgery();
        group.MapGet("/", ShowDashboard).WithName(nameof(ShowDashboard)).RequireAuthorization(PortalPolicies.PartnerSession);

        return group;
    }

    private static async Task<Results<ContentHttpResult, RedirectHttpResult>> ShowSignIn(HttpContext httpContext, IAntiforgery antiforgery)
    {
        if ((await httpContext.AuthenticateAsync(PortalSession.Scheme)).Succeeded)
        {
            return TypedResults.LocalRedirect(PortalSession.DashboardPath);
        }

        return SignInPage(httpContext, antiforgery, email: null, error: null, StatusCodes.Status200OK);
    }

    private static async Task<Results<ContentHttpResult, RedirectHttpResult>> SignIn(
        [FromForm] SignInForm? form,
        HttpContext httpContext,
        IAntiforgery antiforgery,
        SignInService signInService,
        SignedInSessions sessions,
        CancellationToken cancellationToken)
    {
        if (!await antiforgery.IsRequestValidAsync(httpContext))
        {
            return SignInPage(httpContext, antiforgery, form?.Email, PortalPages.FormExpiredMessage, StatusCodes.Status400BadRequest);
        }

        // A form without an email or password field (not the sign-in page's) binds no form at all, or one without it.
        if (form is not { Email: not null, Password: not null })
        {
            return SignInPage(httpContext, antiforgery, form?.Email, PortalPages.MissingCredentialsMessage, StatusCodes.Status400BadRequest);
        }

        var result = await signInService.SignInAsync(form.Email, form.Password, SignInSource.Of(httpContext), cancellationToken);
        if (result.Status == SignInStatus.PartnerNotActive)
        {
            return SignInPage(httpContext, antiforgery, form.Email, PortalProblems.PartnerNotActiveDetail, StatusCodes.Status403Forbidden);
        }

        if (result is not { Status: SignInStatus.Succeeded, Account: { } account })
        {
            return SignInPage(httpContext, antiforgery, form.Email, PortalPages.SignInFailedMessage, StatusCodes.Status401Unauthorized);
        }

        var sessionId = await sessions.StartAsync(account, cancellationToken);
        await httpContext.SignInAsync(PortalSession.Scheme, PortalSession.CreatePrincipal(account, sessionId));
        return TypedResults.LocalRedirect(PortalSession.DashboardPath);
    }

    /// <summary>Deletes the server-side session, so the cookie (and any copy of it) is refused from now on, then the cookie.</summary>
    private static async Task<Results<RedirectHttpResult, ProblemHttpResult>> SignOut(
        ClaimsPrincipal user, HttpContext httpContext, IAntiforgery antiforgery, SignedInSessions sessions, CancellationToken cancellationToken)
    {
        if (!await antiforgery.IsRequestValidAsync(httpContext))
        {
            return PortalProblems.FormExpired();
        }

        if (user.SessionId() is { } sessionId)
        {
            await sessions.EndAsync(sessionId, cancellationToken);
        }

        await httpContext.SignOutAsync(PortalSession.Scheme);
        return TypedResults.LocalRedirect(PortalSession.LoginPath);
    }

    private static async Task<ContentHttpResult> ShowDashboard(
        ClaimsPrincipal user,
        HttpContext httpContext,
        IAntiforgery antiforgery,
        PortalDbContext db,
        AnalyticsClient analytics,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        var (accountId, partnerId) = user.SessionIds();
        var partnerName = await db.Partners.AsNoTracking()
            .Where(partner => partner.Id == partnerId)
            .Select(partner => partner.Name)
            .SingleAsync(cancellationToken);

        var to = DateOnly.FromDateTime(timeProvider.GetUtcNow().UtcDateTime);
        var from = to.AddDays(1 - DashboardDays);
        var report = await analytics.GetDailyReportAsync(accountId, partnerId, from, to, cancellationToken);

        var tokens = antiforgery.GetAndStoreTokens(httpContext);
        var html = PortalPages.Dashboard(
            new DashboardModel(partnerName, user.Email(), from, to, report), tokens.FormFieldName, tokens.RequestToken!);
        return TypedResults.Content(html, HtmlContentType);
    }

    private static ContentHttpResult SignInPage(HttpContext httpContext, IAntiforgery antiforgery, string? email, string? error, int statusCode)
    {
        var tokens = antiforgery.GetAndStoreTokens(httpContext);
        var shownEmail = email is { Length: <= AccountRules.MaxEmailLength } ? email : null;
        return TypedResults.Content(
            PortalPages.Login(tokens.FormFieldName, tokens.RequestToken!, shownEmail, error), HtmlContentType, statusCode: statusCode);
    }

    internal static ValueTask<object?> AddPageHeaders(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        SetPageHeaders(context.HttpContext.Response.Headers);
        return next(context);
    }

    internal static void SetPageHeaders(IHeaderDictionary headers)
    {
        headers.ContentSecurityPolicy = PortalPages.ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "same-origin";
        // What antiforgery sets on a page with a form token anyway (it logs a warning when it has to override another value).
        headers.CacheControl = "no-cache, no-store";
        headers.Pragma = "no-cache";
    }
}

/// <summary>The sign-in form's fields; either may be missing from a form that was not the sign-in page's.</summary>
public sealed class SignInForm
{
    public string? Email { get; init; }

    public string? Password { get; init; }
}
