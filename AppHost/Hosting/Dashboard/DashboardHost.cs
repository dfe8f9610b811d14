using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PartnerMesh.AppHost.Hosting.Dashboard;

/// <summary>
/// A small dashboard inside the AppHost (resources, states, restarts, console logs, telemetry received) and an
/// OTLP/HTTP receiver the services export to. Both listen on 127.0.0.1 only.
/// </summary>
internal sealed class DashboardHost : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        WriteIndented = true,
    };

    private readonly WebApplication _app;

    private DashboardHost(WebApplication app, int dashboardPort, int otlpPort)
    {
        _app = app;
        DashboardUrl = new Uri($"http://127.0.0.1:{dashboardPort}");
        OtlpEndpoint = new Uri($"http://127.0.0.1:{otlpPort}");
    }

    public Uri DashboardUrl { get; }

    public Uri OtlpEndpoint { get; }

    public static async Task<DashboardHost> StartAsync(ResourceRegistry registry, int dashboardPort, int otlpPort, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = typeof(DashboardHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = "Production",
        });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, dashboardPort);
            kestrel.Listen(IPAddress.Loopback, otlpPort);
            kestrel.Limits.MaxRequestBodySize = 32 * 1024 * 1024;
        });

        var app = builder.Build();
        var dashboard = $"*:{dashboardPort}";
        var otlp = $"*:{otlpPort}";

        app.MapGet("/", () => TypedResults.Content(DashboardPages.Resources(registry), "text/html; charset=utf-8")).RequireHost(dashboard);
        app.MapGet("/resources/{name}/logs", (string name, int? lines) =>
                registry.Contains(name)
                    ? Results.Content(DashboardPages.Logs(registry, name, Math.Clamp(lines ?? 500, 1, ResourceLog.Capacity)), "text/html; charset=utf-8")
                    : Results.NotFound())
            .RequireHost(dashboard);
        app.MapGet("/api/resources", () => TypedResults.Json(registry.GetAll(), Json)).RequireHost(dashboard);
        app.MapGet("/api/resources/{name}/logs", (string name, int? lines) =>
                registry.Contains(name)
                    ? Results.Json(registry.GetLog(name).GetLines(Math.Clamp(lines ?? 500, 1, ResourceLog.Capacity)), Json)
                    : Results.NotFound())
            .RequireHost(dashboard);

        foreach (var signal in new[] { "traces", "metrics", "logs" })
        {
            app.MapPost($"/v1/{signal}", (HttpContext context, CancellationToken ct) => OtlpReceiver.ReceiveAsync(context, registry, signal, ct))
                .RequireHost(otlp);
        }

        await app.StartAsync(cancellationToken);
        return new DashboardHost(app, dashboardPort, otlpPort);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}
