using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using PartnerMesh.Gateway.ApiKeys;

namespace PartnerMesh.Gateway.Proxy;

/// <summary>
/// <c>/api/**</c> requires a key even where no route matches, so callers without one learn nothing about which paths
/// exist: 401 (403 under <c>/api/gateway/</c> without scope admin) before the 404. Done here rather than with fallback
/// endpoints, which would turn routing's 405 and 415 answers into 404s.
/// </summary>
public sealed class UnmatchedApiAuthorizationMiddleware(
    RequestDelegate next, IAuthorizationPolicyProvider policies, IPolicyEvaluator evaluator)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint() is null && context.Request.Path.StartsWithSegments("/api"))
        {
            var policyName = context.Request.Path.StartsWithSegments("/api/gateway")
                ? ApiKeyAuthentication.AdminPolicy
                : ApiKeyAuthentication.ApiKeyPolicy;
            var policy = (await policies.GetPolicyAsync(policyName))!;
            var authentication = await evaluator.AuthenticateAsync(policy, context);
            var authorization = await evaluator.AuthorizeAsync(policy, authentication, context, resource: null);
            if (authorization.Challenged)
            {
                await context.ChallengeAsync(ApiKeyAuthentication.Scheme);
                return;
            }

            if (authorization.Forbidden)
            {
                await context.ForbidAsync(ApiKeyAuthentication.Scheme);
                return;
            }
        }

        await next(context);
    }
}
