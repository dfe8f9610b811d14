using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.ServiceDefaults.OpenApi;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Cross-cutting defaults every PartnerMesh service uses: telemetry, health checks, service discovery,
/// resilient HttpClients and problem details.
/// </summary>
public static class Extensions
{
    public const string HealthEndpointPath = "/health";
    public const string AlivenessEndpointPath = "/alive";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.AddBasicServiceDefaults();

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        return builder;
    }

    /// <summary>Defaults without HttpClient resilience, for hosts that make no outgoing HTTP calls.</summary>
    public static TBuilder AddBasicServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        if (DocumentGeneration.IsRunning)
        {
            DocumentGeneration.AddPlaceholderConfiguration(builder.Configuration);
            DocumentGeneration.SkipStartupWork(builder);
        }

        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = PartnerMesh.ServiceDefaults.WebApi.Problems.Complete);
        builder.Services.TryAddSingleton(TimeProvider.System);

        // A one-shot command answers with exactly one line on stdout, which the AppHost reads: keep the logs off it.
        if (Environment.GetCommandLineArgs().Intersect(HostCommands.WithResultLine, StringComparer.Ordinal).Any())
        {
            builder.Services.Configure<ConsoleLoggerOptions>(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
        }

        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        // The resilience pipeline logs every handled event at Information, including each telemetry export.
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("MassTransit")
                .AddMeter(PartnerMeshTelemetry.MeterPrefix + "*"))
            .WithTracing(tracing =>
            {
                // Development traces everything, unless a sampler is configured (OTEL_TRACES_SAMPLER, read by the SDK).
                if (builder.Environment.IsDevelopment() && string.IsNullOrEmpty(builder.Configuration["OTEL_TRACES_SAMPLER"]))
                {
                    tracing.SetSampler(new AlwaysOnSampler());
                }

                tracing
                    .AddSource(builder.Environment.ApplicationName)
                    .AddSource(PartnerMeshTelemetry.ActivitySourcePrefix + "*")
                    .AddSource("MassTransit")
                    .AddAspNetCoreInstrumentation(options =>
                        // Probes would drown real traffic in traces.
                        options.Filter = context =>
                            !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                            && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath))
                    .AddHttpClientInstrumentation()
                    .AddNpgsql()
                    .AddProcessor(new BackgroundDatabaseSpanFilter());
            });

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);

        // Status changes are logged by HealthTransitionPublisher, not every probe's failed check.
        builder.Logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService", LogLevel.None);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<HealthTransitionPublisher>();
        builder.Services.AddSingleton<IHealthCheckPublisher>(services => services.GetRequiredService<HealthTransitionPublisher>());
        builder.Services.Configure<HealthCheckPublisherOptions>(options =>
        {
            options.Delay = TimeSpan.FromSeconds(5);
            options.Period = TimeSpan.FromSeconds(10);
        });
        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> (every check: readiness) and <c>/alive</c> (liveness only). Always mapped, because the
    /// AppHost and CI poll them; the gateway never routes them to the outside. On hosts that called
    /// <see cref="WebApiExtensions.AddWebApiDefaults"/>, also maps the OpenAPI document <c>/openapi/v1.json</c> (anonymous)
    /// and, in Development, its Scalar API reference <c>/scalar</c> (anonymous).
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthEndpointPath, new HealthCheckOptions { ResponseWriter = WriteStatusAndObserveAsync }).AllowAnonymous();
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("live"),
        }).AllowAnonymous();
        app.MapWebApiDefaultEndpoints();
        return app;
    }

    /// <summary>The default answer (the overall status as plain text), after handing the report to the transition log.</summary>
    private static Task WriteStatusAndObserveAsync(HttpContext context, HealthReport report)
    {
        context.RequestServices.GetRequiredService<HealthTransitionPublisher>().Observe(report);
        context.Response.ContentType = "text/plain";
        return context.Response.WriteAsync(report.Status.ToString());
    }
}
