using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PartnerMesh.ServiceDefaults.WebApi;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The HTTP API conventions every PartnerMesh web host shares, on top of <c>AddServiceDefaults</c>: bad input is a 4xx
/// problem (never a 500), request bodies are limited the same way on Kestrel and on the in-memory test server, and
/// the OpenAPI document is published at <c>/openapi/v1.json</c>.
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
    /// with its own status (400, 413); other exceptions keep the host's handling. Outside Development, minimal APIs
    /// answer binding failures with a bare 400 instead of throwing; status code pages turns that into a problem too.</item>
    /// <item>Request bodies are limited to <paramref name="maxRequestBodyBytes"/> (Kestrel's <c>MaxRequestBodySize</c>
    /// and the <c>UseWebApiDefaults</c> check); a host may override it later through <see cref="WebApiOptions"/>.</item>
    /// <item>OpenAPI document generation, mapped by <c>MapDefaultEndpoints</c>.</item>
    /// </list>
    /// </summary>
    public static TBuilder AddWebApiDefaults<TBuilder>(this TBuilder builder, long maxRequestBodyBytes = WebApiOptions.DefaultMaxRequestBodyBytes)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRequestBodyBytes);

        var services = builder.Services;
        services.AddOptions<WebApiOptions>().Configure(options => options.MaxRequestBodyBytes = maxRequestBodyBytes);
        services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<WebApiOptions>>((kestrel, webApi) => kestrel.Limits.MaxRequestBodySize = webApi.Value.MaxRequestBodyBytes);
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.Configure<ExceptionHandlerOptions>(options => options.StatusCodeSelector = ExceptionStatusCodes.For);
        services.AddOpenApi();
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
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<RequestBodyLimitMiddleware>();
        return app;
    }

    /// <summary>Maps the OpenAPI document (anonymous) when <see cref="AddWebApiDefaults"/> registered it.</summary>
    internal static void MapWebApiDefaultEndpoints(this WebApplication app)
    {
        if (app.Services.GetService<WebApiDefaultsMarker>() is not null)
        {
            app.MapOpenApi().AllowAnonymous();
        }
    }

    private sealed class WebApiDefaultsMarker;
}
