using System.Net;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PartnerMesh.ServiceDefaults.OpenApi;
using PartnerMesh.ServiceDefaults.WebApi;
using Scalar.AspNetCore;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The HTTP API conventions every PartnerMesh web host shares, on top of <c>AddServiceDefaults</c>: bad input is a 4xx
/// problem (never a 500), request bodies are limited the same way on Kestrel and on the in-memory test server, and
/// the OpenAPI document is published at <c>/openapi/v1.json</c> (browsable at <c>/scalar</c> in Development).
/// </summary>
/// <example>
/// <code>
/// builder.AddServiceDefaults();
/// builder.AddWebApiDefaults();
/// ...
/// var app = builder.Build();
/// app.UseWebApiDefaults();
/// app.UseAuthentication();
/// app.UseAuthorization();
/// app.MapDefaultEndpoints();
/// </code>
/// </example>
public static class WebApiExtensions
{
    /// <summary>
    /// Registers the web API defaults:
    /// <list type="bullet">
    /// <item><see cref="BadHttpRequestException"/> (malformed JSON, wrong types, oversized bodies) becomes problem details
    /// with its own status (400, 413), naming the JSON field a body could not be read at; other exceptions keep the host's
    /// handling. Minimal APIs throw on binding failures in every environment, so every one gets that treatment.</item>
    /// <item>Request bodies are limited to <paramref name="maxRequestBodyBytes"/> (Kestrel's <c>MaxRequestBodySize</c>
    /// and the <c>UseWebApiDefaults</c> check); a host may override it later through <see cref="WebApiOptions"/>.</item>
    /// <item>OpenAPI document generation, mapped by <c>MapDefaultEndpoints</c>.</item>
    /// <item>The client address and scheme from <c>X-Forwarded-For</c>/<c>X-Forwarded-Proto</c>, when a trusted proxy
    /// (see <see cref="WebApiOptions.TrustLoopbackProxies"/>) sent them: behind the gateway, a service sees the shopper's
    /// address and sets <c>Secure</c> cookies when the gateway was reached over HTTPS.</item>
    /// </list>
    /// </summary>
    public static TBuilder AddWebApiDefaults<TBuilder>(this TBuilder builder, long maxRequestBodyBytes = WebApiOptions.DefaultMaxRequestBodyBytes)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRequestBodyBytes);

        var services = builder.Services;
        var trustedProxyNetworks = builder.Configuration.GetSection("ForwardedHeaders:TrustedProxyNetworks").Get<string[]>() ?? [];
        services.AddOptions<WebApiOptions>().Configure(options =>
        {
            options.MaxRequestBodyBytes = maxRequestBodyBytes;
            foreach (var network in trustedProxyNetworks)
            {
                options.TrustedProxyNetworks.Add(network);
            }
        });
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<WebApiOptions>>(ConfigureForwardedHeaders);
        services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<WebApiOptions>>((kestrel, webApi) =>
            {
                kestrel.Limits.MaxRequestBodySize = webApi.Value.MaxRequestBodyBytes;
                // Kestrel answers a longer request line or larger headers itself, with an empty 414 or 431. The gateway
                // takes more than it forwards and refuses the rest with problem details (RequestTargetLimits there); the
                // services take what the gateway forwards (a click's long query string, its own headers on top).
                kestrel.Limits.MaxRequestLineSize = WebApiOptions.MaxRequestLineBytes;
                kestrel.Limits.MaxRequestHeadersTotalSize = WebApiOptions.MaxRequestHeadersBytes;
            });
        // Types are what the OpenAPI document says: ASP.NET Core's web defaults read a number sent as a string ("9"), so
        // a score or an amount in quotes was taken as a number while the documents declared number-or-string.
        // A number a decimal cannot hold exactly (more significant digits than it keeps, or an exponent that underflows) is
        // refused rather than rounded, so the rules see the amount that was sent (ExactDecimalConverter).
        // A member given twice in one object is refused (RFC 7493 I-JSON): read last-wins, a proxy or a log reading the first
        // would see another amount than the service booked. The check covers JsonElement/JsonNode members of a body too.
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            json.SerializerOptions.AllowDuplicateProperties = false;
            // Currencies in any case, upper-cased on the way in: one rule for every service (CurrencyCodes).
            json.SerializerOptions.TypeInfoResolver = json.SerializerOptions.TypeInfoResolver?.WithAddedModifier(CurrencyCodes.Apply);
            json.SerializerOptions.Converters.Add(new ExactDecimalConverter());
        });
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        // Binding failures throw in every environment (not only Development), so the handler can name the field at fault.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.Configure<ExceptionHandlerOptions>(options => options.StatusCodeSelector = ExceptionStatusCodes.For);
        services.AddOpenApi(options => options.AddPartnerMeshConventions());
        services.TryAddSingleton<WebApiDefaultsMarker>();
        return builder;
    }

    /// <summary>
    /// The start of the pipeline for hosts that called <see cref="AddWebApiDefaults"/>: the exception handler (problem
    /// details for every unhandled error), status code pages (problem details for bare 4xx/5xx) and the request body
    /// limit. Call it before authentication, so even anonymous oversized requests get their 413.
    /// </summary>
    public static WebApplication UseWebApiDefaults(this WebApplication app)
    {
        var forwardedHeaders = app.Services.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value;
        if (forwardedHeaders.KnownProxies.Count > 0 || forwardedHeaders.KnownIPNetworks.Count > 0)
        {
            app.UseForwardedHeaders();
        }

        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<NulQueryGuardMiddleware>();
        app.UseMiddleware<LimitQueryMiddleware>();
        app.UseMiddleware<ContentEncodingMiddleware>();
        app.UseMiddleware<ContentCharsetMiddleware>();
        app.UseMiddleware<RequestBodyLimitMiddleware>();
        return app;
    }

    private static void ConfigureForwardedHeaders(ForwardedHeadersOptions forwarded, IOptions<WebApiOptions> webApi)
    {
        forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        if (webApi.Value.TrustLoopbackProxies)
        {
            forwarded.KnownIPNetworks.Add(new System.Net.IPNetwork(IPAddress.Loopback, 8));
            forwarded.KnownProxies.Add(IPAddress.IPv6Loopback);
        }

        foreach (var network in webApi.Value.TrustedProxyNetworks)
        {
            forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var parsed)
                ? parsed
                : throw new FormatException($"ForwardedHeaders:TrustedProxyNetworks: '{network}' is not a CIDR network (e.g. 10.0.0.0/8)."));
        }
    }

    /// <summary>
    /// Maps the OpenAPI document (anonymous) when <see cref="AddWebApiDefaults"/> registered it and, in Development only,
    /// a browsable Scalar reference of it at <c>/scalar</c> (<c>/scalar/v1</c>), anonymous like the document.
    /// </summary>
    internal static void MapWebApiDefaultEndpoints(this WebApplication app)
    {
        if (app.Services.GetService<WebApiDefaultsMarker>() is not null)
        {
            // ASP.NET Core answers an unknown document name with a 404 in text/plain; every other unknown route is a problem.
            app.MapOpenApi().AllowAnonymous().AddEndpointFilter(static async (context, next) =>
                context.HttpContext.GetRouteValue("documentName") is string name
                && context.HttpContext.RequestServices.GetKeyedService<IOpenApiDocumentProvider>(name.ToLowerInvariant()) is null
                    ? Problems.NotFound("Not Found", $"There is no OpenAPI document named '{name}'.")
                    : await next(context));
            if (app.Environment.IsDevelopment())
            {
                app.MapScalarApiReference().AllowAnonymous();
            }
        }
    }

    private sealed class WebApiDefaultsMarker;
}
