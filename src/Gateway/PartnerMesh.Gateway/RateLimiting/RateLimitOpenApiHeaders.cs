using System.Globalization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;

namespace PartnerMesh.Gateway.RateLimiting;

/// <summary>
/// Declares in the gateway's OpenAPI document the headers <see cref="RateLimitingMiddleware"/> sends: <c>RateLimit-*</c>
/// and <c>X-RateLimit-*</c> on every response of a rate-limited request (authentication and authorization failures
/// come before the limit and carry none), and <c>Retry-After</c> on the 429. Inline, not component references, so the
/// operations stay self-contained when gateway-public.json is merged from this document.
/// </summary>
public sealed class RateLimitOpenApiHeaders : IOpenApiOperationTransformer
{
    private static readonly (string Name, string Description)[] Headers =
    [
        ("RateLimit-Limit", "Requests allowed per one-minute window: the API key's limit, or the per-address limit of anonymous routes and sign-in."),
        ("RateLimit-Remaining", "Requests left in the current window."),
        ("RateLimit-Reset", "Seconds until the current window ends."),
        ("X-RateLimit-Limit", "Same as RateLimit-Limit, for clients that read the X- form."),
        ("X-RateLimit-Remaining", "Same as RateLimit-Remaining."),
        ("X-RateLimit-Reset", "Same as RateLimit-Reset."),
    ];

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (status is "401" or "403" || response is not OpenApiResponse concrete)
            {
                continue;
            }

            concrete.Headers ??= new Dictionary<string, IOpenApiHeader>(StringComparer.Ordinal);
            foreach (var (name, description) in Headers)
            {
                concrete.Headers.TryAdd(name, Integer(description));
            }

            if (status == StatusCodes.Status429TooManyRequests.ToString(CultureInfo.InvariantCulture))
            {
                concrete.Headers.TryAdd(HeaderNames.RetryAfter, Integer("Seconds to wait before retrying: the rest of the window."));
            }
        }

        return Task.CompletedTask;
    }

    private static OpenApiHeader Integer(string description) =>
        new() { Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.Integer } };
}
