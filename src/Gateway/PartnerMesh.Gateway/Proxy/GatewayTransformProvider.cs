using System.Net.Http.Headers;
using PartnerMesh.ServiceDefaults.Security;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace PartnerMesh.Gateway.Proxy;

/// <summary>
/// Per route access kind: removes untrusted headers and, on API key routes, adds <c>Authorization: Bearer &lt;service
/// token&gt;</c>. Runs before YARP's default X-Forwarded transforms, which then set fresh values.
/// </summary>
public sealed class GatewayTransformProvider(ServiceTokenCache tokens) : ITransformProvider
{
    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        var access = GatewayRoutes.AccessOf(context.Route);
        var audience = context.Route.ClusterId ?? "";
        context.AddRequestTransform(transform =>
        {
            var headers = transform.ProxyRequest.Headers;
            ForwardedHeaderSanitizer.RemoveUntrusted(headers);
            if (access == RouteAccess.ApiKey)
            {
                var user = transform.HttpContext.User;
                var keyId = user.FindFirst(PartnerMeshClaims.KeyId)?.Value;
                var scope = user.FindFirst(PartnerMeshClaims.Scope)?.Value;
                if (keyId is not null && scope is not null)
                {
                    headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.GetToken(keyId, scope, audience));
                }
            }

            return ValueTask.CompletedTask;
        });
    }
}
