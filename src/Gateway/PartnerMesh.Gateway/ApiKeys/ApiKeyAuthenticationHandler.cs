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
/// challenges and forbids with problem details.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiKeyStore store,
    GatewayMetrics metrics)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    private const string AuthorizationPrefix = ApiKeyAuthentication.Scheme + " ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // Anonymous routes (/r/{code}, /portal, probes) neither need nor get a caller identity from a key.
        if (Context.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            return AuthenticateResult.NoResult();
        }

        var presented = ReadPresentedKey(Request.Headers, out var ambiguous);
        if (ambiguous)
        {
            return Fail("malformed", "Send exactly one API key.");
        }

        if (presented is null)
        {
            return AuthenticateResult.NoResult();
        }

        if (!ApiKeyFormat.TryParse(presented, out var keyId, out var secret))
        {
            return Fail("malformed", "The API key is not well formed.");
        }

        var key = await store.FindAsync(keyId, Context.RequestAborted);
        if (key is null || !ApiKeyFormat.SecretMatches(secret, key.SecretHash))
        {
            return Fail("unknown", "The API key is not valid.");
        }

        if (key.IsRevoked)
        {
            return Fail("revoked", "The API key has been revoked.");
        }

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

    private AuthenticateResult Fail(string reason, string message)
    {
        Context.Items[ApiKeyAuthentication.FailureReasonItem] = reason;
        return AuthenticateResult.Fail(message);
    }
}
