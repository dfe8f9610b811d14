using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using PartnerMesh.Gateway.Diagnostics;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.Gateway.ApiKeys;

/// <summary>
/// Authenticates <c>X-Api-Key: pm_...</c> (or <c>Authorization: ApiKey pm_...</c>) against the key store and answers
/// challenges and forbids with problem details. A client over its budget of failed authentications
/// (<see cref="FailedAuthenticationThrottle"/>) gets 429 before its key is looked up, unless that key authenticated
/// recently (then it is checked as usual); known and unknown key ids cost
/// the same hashing and comparison, so timing does not tell whether a key id exists.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiKeyStore store,
    FailedAuthenticationThrottle throttle,
    TimeProvider timeProvider,
    GatewayMetrics metrics)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    private const string AuthorizationPrefix = ApiKeyAuthentication.Scheme + " ";
    private const string ThrottledReason = "throttled";
    private const string RetryAfterItem = "PartnerMesh.Gateway.AuthRetryAfter";

    private static readonly byte[] DecoyHash = ApiKeyFormat.HashSecret(ApiKeyFormat.NewSecret());

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // Anonymous routes (/r/{code}, /portal, probes) neither need nor get a caller identity from a key.
        if (Context.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            return AuthenticateResult.NoResult();
        }

        var presented = ReadPresentedKey(Request.Headers, out var ambiguous);
        if (!ambiguous && presented is null)
        {
            return AuthenticateResult.NoResult();
        }

        var client = Context.Connection.RemoteIpAddress;
        var wellFormed = ApiKeyFormat.TryParse(presented, out var keyId, out var secret);
        if (throttle.IsBlocked(client, out var retryAfter) && !(wellFormed && !ambiguous && throttle.AuthenticatedRecently(keyId)))
        {
            Context.Items[RetryAfterItem] = retryAfter;
            return Fail(ThrottledReason, $"Too many failed authentications from this address; retry in {retryAfter} s.");
        }

        if (ambiguous)
        {
            return Failed(client, "malformed", "Send exactly one API key.");
        }

        if (!wellFormed)
        {
            return Failed(client, "malformed", "The API key is not well formed.");
        }

        var key = await store.FindAsync(keyId, Context.RequestAborted);
        var secretMatches = ApiKeyFormat.SecretMatches(secret, key?.SecretHash ?? DecoyHash);
        if (key is null || !secretMatches)
        {
            return Failed(client, "unknown", "The API key is not valid.");
        }

        if (key.IsRevoked)
        {
            return Failed(client, "revoked", "The API key has been revoked.");
        }

        if (key.ExpiresAt <= timeProvider.GetUtcNow())
        {
            return Failed(client, "expired", "The API key has expired.");
        }

        throttle.RecordSuccess(keyId);
        await store.TouchAsync(keyId, Context.RequestAborted);

        var identity = new ClaimsIdentity(
            [
                new Claim("sub", "apikey:" + keyId),
                new Claim(PartnerMeshClaims.Scope, key.Scope),
                new Claim(PartnerMeshClaims.KeyId, keyId),
                new Claim(ApiKeyAuthentication.RateLimitClaim, key.RateLimitPerMinute.ToString(CultureInfo.InvariantCulture)),
            ],
            Scheme.Name,
            "sub",
            PartnerMeshClaims.Scope);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var reason = Context.Items[ApiKeyAuthentication.FailureReasonItem] as string;
        metrics.AuthenticationFailed(reason ?? "missing");
        if (reason == ThrottledReason && Context.Items[RetryAfterItem] is int retryAfter)
        {
            metrics.RateLimitRejected("failed_authentication");
            await ProblemResponses.WriteAsync(
                Context,
                StatusCodes.Status429TooManyRequests,
                result.Failure?.Message ?? "Too many failed authentications from this address.",
                response => response.Headers[HeaderNames.RetryAfter] = retryAfter.ToString(CultureInfo.InvariantCulture));
            return;
        }

        // Only our own failure messages reach the client, never an exception's.
        var detail = reason is null ? null : result.Failure?.Message;
        await ProblemResponses.WriteAsync(
            Context,
            StatusCodes.Status401Unauthorized,
            detail ?? $"An API key is required: send it in the {ApiKeyAuthentication.HeaderName} header.",
            response => response.Headers[HeaderNames.WWWAuthenticate] = ApiKeyAuthentication.Scheme);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        metrics.AuthenticationFailed("insufficient_scope");
        await ProblemResponses.WriteAsync(Context, StatusCodes.Status403Forbidden, "The API key's scope does not allow this operation.");
    }

    private static string? ReadPresentedKey(IHeaderDictionary headers, out bool ambiguous)
    {
        var fromHeader = headers[ApiKeyAuthentication.HeaderName];
        string? fromAuthorization = null;
        foreach (var value in headers.Authorization)
        {
            if (value is not null && value.StartsWith(AuthorizationPrefix, StringComparison.OrdinalIgnoreCase))
            {
                if (fromAuthorization is not null)
                {
                    ambiguous = true;
                    return null;
                }

                fromAuthorization = value[AuthorizationPrefix.Length..].Trim();
            }
        }

        ambiguous = fromHeader.Count > 1 || (fromHeader.Count == 1 && fromAuthorization is not null && fromHeader[0] != fromAuthorization);
        return ambiguous ? null : fromHeader.Count == 1 ? fromHeader[0]?.Trim() : fromAuthorization;
    }

    private AuthenticateResult Failed(System.Net.IPAddress? client, string reason, string message)
    {
        throttle.RecordFailure(client);
        return Fail(reason, message);
    }

    private AuthenticateResult Fail(string reason, string message)
    {
        Context.Items[ApiKeyAuthentication.FailureReasonItem] = reason;
        return AuthenticateResult.Fail(message);
    }
}
