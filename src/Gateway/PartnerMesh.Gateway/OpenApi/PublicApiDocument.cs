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

    private static readonly Lazy<(byte[] Content, string ETag)> Document = new(Load);

    public static IEndpointRouteBuilder MapPublicApiDocument(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, (HttpContext context) =>
            {
                var (content, etag) = Document.Value;
                context.Response.Headers.ETag = etag;
                context.Response.Headers.CacheControl = "public, max-age=300";
                return context.Request.Headers.IfNoneMatch.Contains(etag)
                    ? Results.StatusCode(StatusCodes.Status304NotModified)
                    : Results.Bytes(content, "application/json");
            })
            .AllowAnonymous()
            .ExcludeFromDescription();
        return app;
    }

    private static (byte[], string) Load()
    {
        using var stream = typeof(PublicApiDocument).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing from the gateway's assembly.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var content = buffer.ToArray();
        return (content, new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..32]}\"").ToString());
    }
}
