using System.Net.Http.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using PartnerMesh.Testing;
using Xunit;

[assembly: AssemblyFixture(typeof(PartnerMesh.EndToEndTests.SystemFixture))]

namespace PartnerMesh.EndToEndTests;

/// <summary>
/// The whole system, started once for this test assembly by the real Aspire AppHost (<c>Aspire.Hosting.Testing</c>):
/// PostgreSQL, RabbitMQ and Redis as containers, a migrator and a process per service, the gateway and the Aspire
/// dashboard. Tests talk to it through the gateway; the AppHost's resource commands stop and start resources.
/// </summary>
public sealed class SystemFixture : IAsyncLifetime
{
    public static readonly string[] Services =
        ["attribution-api", "promotions-api", "coupons-api", "surveys-api", "analytics-api", "partner-portal-api", "gateway"];

    public const string SecondCouponsInstance = "coupons-api-2";

    private static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(5);

    public DistributedApplication App { get; private set; } = null!;

    public OtlpReceiver Telemetry { get; private set; } = null!;

    public Uri GatewayUrl { get; private set; } = null!;

    public Uri DashboardUrl { get; private set; } = null!;

    /// <summary>Data volumes of this run (<c>scripts/test.sh</c> removes them; a developer's volumes are never touched).</summary>
    public static string VolumePrefix => "partnermesh-e2e-" + TestInfrastructure.RunId;

    public string StorefrontApiKey { get; private set; } = "";

    /// <summary>
    /// An admin key of the tests' own with a test-sized budget: the bootstrap key keeps its production budget (120
    /// requests a minute), which tests polling analytics for a few seconds would exhaust.
    /// </summary>
    public string AdminApiKey { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(StartupTimeout);
        var ct = timeout.Token;

        Telemetry = await OtlpReceiver.StartAsync(ct);

        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.PartnerMesh_AppHost>(
            [
                $"--PartnerMesh:VolumePrefix={VolumePrefix}",
                $"--PartnerMesh:PortBase={await ContainerPorts.ForAsync(ContainerPorts.EndToEndServicePortBase)}",
                $"--PartnerMesh:GatewayPort={await ContainerPorts.ForAsync(ContainerPorts.EndToEndGateway)}",
                $"--PartnerMesh:InfrastructurePortBase={await ContainerPorts.ForAsync(ContainerPorts.EndToEndInfrastructurePortBase)}",
                // The real dashboard runs too (a browser test opens it); the testing builder gives it a random port.
                $"--ASPNETCORE_URLS=http://127.0.0.1:{await ContainerPorts.ForAsync(ContainerPorts.EndToEndDashboard)}",
                $"--ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=http://127.0.0.1:{await ContainerPorts.ForAsync(ContainerPorts.EndToEndDashboardOtlp)}",
                $"--ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL=http://127.0.0.1:{await ContainerPorts.ForAsync(ContainerPorts.EndToEndResourceService)}",
                // Two coupons instances behind the gateway: every coupon test here runs across both.
                "--PartnerMesh:CouponsInstances=2",
                "--ASPIRE_ALLOW_UNSECURED_TRANSPORT=true",
                "--ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true",
            ],
            (options, _) => options.DisableDashboard = false,
            ct);

        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            // Added last, so it wins over the dashboard's OTLP settings: the stand-in collector counts what each sends.
            project.Annotations.Add(new EnvironmentCallbackAnnotation(environment =>
            {
                environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = Telemetry.Endpoint.ToString();
                environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
                environment["OTEL_EXPORTER_OTLP_HEADERS"] = $"{OtlpReceiver.ResourceHeader}={project.Name}";
                environment["OTEL_BLRP_SCHEDULE_DELAY"] = "1000";
                environment["OTEL_BSP_SCHEDULE_DELAY"] = "1000";
                environment["OTEL_METRIC_EXPORT_INTERVAL"] = "1000";
            }));
        }

        // A cart idle for three seconds (not an hour) is abandoned, checked every second (not every 30): the abandoned-cart
        // flow is then seconds long. Idleness runs on analytics' own clock, so a test cannot back-date it instead.
        builder.CreateResourceBuilder<ProjectResource>("analytics-api")
            .WithEnvironment("Analytics__CartAbandonment__IdleTime", "00:00:03")
            .WithEnvironment("Analytics__CartAbandonment__SweepInterval", "00:00:01");

        // Partners' survey insights publish only ended weeks by default (no differencing over time); the flows here read
        // the current week, so they opt in to live weeks (the default is tested in the surveys' functional tests).
        builder.CreateResourceBuilder<ProjectResource>("surveys-api")
            .WithEnvironment("Surveys__PartnerInsightsEndedWeeksOnly", "false");

        App = await builder.BuildAsync(ct);
        await App.StartAsync(ct);
        foreach (var service in Services.Append(SecondCouponsInstance))
        {
            await App.ResourceNotifications.WaitForResourceHealthyAsync(service, ct);
        }

        GatewayUrl = App.GetEndpoint("gateway", "http");
        var dashboard = await App.ResourceNotifications.WaitForResourceAsync(
            "aspire-dashboard", resource => resource.Snapshot.Urls.Any(IsDashboardUi), ct);
        DashboardUrl = new Uri(dashboard.Snapshot.Urls.First(IsDashboardUi).Url);
        using var bootstrapAdmin = CreateClient(await CreateAdminKeyWithTheAppHostCommandAsync(ct));
        AdminApiKey = await CreateKeyAsync(bootstrapAdmin, "e2e-admin", "admin");
        StorefrontApiKey = await CreateKeyAsync(bootstrapAdmin, "e2e-storefront", "storefront");
    }

    /// <summary>The dashboard's own address, not its OTLP or resource-service endpoints.</summary>
    private static bool IsDashboardUi(UrlSnapshot url) => url.Name == "http";

    /// <summary>The gateway's "Create admin API key" command, as an operator runs it from the dashboard.</summary>
    public async Task<string> CreateAdminKeyWithTheAppHostCommandAsync(CancellationToken cancellationToken)
    {
        var result = await Commands.ExecuteCommandAsync("gateway", "create-admin-key", cancellationToken);
        Assert.True(result.Success, result.Message);
        return Assert.IsType<string>(result.Data?.Value);
    }

    public ResourceCommandService Commands => App.Services.GetRequiredService<ResourceCommandService>();

    /// <summary>Stops a resource with the dashboard's Stop command and waits until it has stopped.</summary>
    public async Task StopResourceAsync(string resource, CancellationToken cancellationToken)
    {
        var result = await Commands.ExecuteCommandAsync(resource, KnownResourceCommands.StopCommand, cancellationToken);
        Assert.True(result.Success, result.Message);
        await App.ResourceNotifications.WaitForResourceAsync(resource, KnownResourceStates.TerminalStates, cancellationToken);
    }

    /// <summary>Starts a stopped resource with the dashboard's Start command and waits until it is healthy.</summary>
    public async Task StartResourceAsync(string resource, CancellationToken cancellationToken)
    {
        var result = await Commands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, cancellationToken);
        Assert.True(result.Success, result.Message);
        await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, cancellationToken);
    }

    public Uri GetServiceUrl(string resource) => App.GetEndpoint(resource, "http");

    public HttpClient CreateAdminClient() => CreateClient(AdminApiKey);

    public HttpClient CreateStorefrontClient() => CreateClient(StorefrontApiKey);

    /// <summary>A client with no credentials that does not follow redirects (a shopper's browser, step by step).</summary>
    public HttpClient CreateAnonymousClient(HttpMessageHandler? handler = null)
    {
        var client = handler is null
            ? new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
            : new HttpClient(handler);
        client.BaseAddress = GatewayUrl;
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        if (App is not null)
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }

        if (Telemetry is not null)
        {
            await Telemetry.DisposeAsync();
        }
    }

    private HttpClient CreateClient(string apiKey)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = GatewayUrl };
        client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return client;
    }

    private static async Task<string> CreateKeyAsync(HttpClient admin, string name, string scope)
    {
        var response = await admin.PostAsJsonAsync("/api/gateway/keys", new { name, scope, rateLimitPerMinute = 100_000 });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<CreatedKey>())!.ApiKey;
    }

    private sealed record CreatedKey(string ApiKey);
}
