using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace PartnerMesh.Gateway.OpenApi;

/// <summary>
/// Serves <c>docs/api/gateway-public.json</c> — every operation the gateway exposes, the routed services' included —
/// at <c>/openapi/public.json</c>, anonymously like every service's own document. The file is embedded at build, so the
/// document a gateway serves is the one committed beside its code (scripts/openapi.sh refreshes it; a test fails when it
/// differs from what the services generate).
/// </summary>
public static class PublicApiDocument
{
    public const string Path = "/openapi/public.json";
    private const string ResourceName = "gateway-public.json";

    private static readonly Lazy<(byte[] Content, EntityTagHeaderValue ETag)> Document = new(Load);

    public static IEndpointRouteBuilder MapPublicApiDocument(this IEndpointRouteBuilder app)
    {
        app.MapMethods(Path, [HttpMethods.Get, HttpMethods.Head], (HttpContext context) =>
            {
                var (content, etag) = Document.Value;
                context.Response.Headers.ETag = etag.ToString();
                context.Response.Headers.CacheControl = "public, max-age=300";
                if (NotModified(context.Request, etag))
                {
                    return Results.StatusCode(StatusCodes.Status304NotModified);
                }

                if (HttpMethods.IsHead(context.Request.Method))
                {
                    // HEAD answers what GET would, headers only.
                    context.Response.ContentType = "application/json";
                    context.Response.ContentLength = content.Length;
                    return Results.Empty;
                }

                return Results.Bytes(content, "application/json");
            })
            .AllowAnonymous()
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// RFC 9110 §13.1.2: <c>If-None-Match</c> compares weakly (<c>W/"x"</c> matches <c>"x"</c>), may list several tags,
    /// and <c>*</c> matches any current representation.
    /// </summary>
    private static bool NotModified(HttpRequest request, EntityTagHeaderValue etag) =>
        request.GetTypedHeaders().IfNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(etag, useStrongComparison: false));

    private static (byte[], EntityTagHeaderValue) Load()
    {
        using var stream = typeof(PublicApiDocument).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing from the gateway's assembly.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var content = buffer.ToArray();
        return (content, new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..32]}\""));
    }
}
