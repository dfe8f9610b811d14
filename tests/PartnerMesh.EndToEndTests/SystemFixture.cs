using System.Net;
using System.Net.Http.Json;
using PartnerMesh.AppHost;
using PartnerMesh.Testing;
using Testcontainers.RabbitMq;
using Xunit;

[assembly: AssemblyFixture(typeof(PartnerMesh.EndToEndTests.SystemFixture))]

namespace PartnerMesh.EndToEndTests;

/// <summary>
/// The whole system — every service and the gateway as real processes, on real PostgreSQL, RabbitMQ and Redis — started
/// once for this test assembly by the same topology code the AppHost runs. Tests talk to it only through the gateway.
/// </summary>
public sealed class SystemFixture : IAsyncLifetime
{
    private readonly string _stateDirectory = Path.Combine(Path.GetTempPath(), "partnermesh-e2e-" + Guid.NewGuid().ToString("N")[..8]);

    private RabbitMqContainer? _broker;

    public PartnerMeshApplication App { get; private set; } = null!;

    public string StorefrontApiKey { get; private set; } = "";

    /// <summary>
    /// An admin key of the tests' own: the bootstrap key keeps its production budget (120 requests a minute), which
    /// tests polling analytics for a few seconds would exhaust.
    /// </summary>
    public string AdminApiKey { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var infrastructure = await TestInfrastructure.GetAsync();

        // The system gets a broker of its own (not the run's shared one), so a test can stop and restart it mid-flow.
        // A fixed host port keeps the address stable across the restart; it is outside the ephemeral range (see
        // ContainerPorts), so no listener started meanwhile can be given the number while the broker is down.
        _broker = new RabbitMqBuilder(TestInfrastructure.RabbitMqImage)
            .WithUsername("partnermesh").WithPassword("partnermesh-e2e")
            .WithPortBinding(await ContainerPorts.ForAsync(ContainerPorts.EndToEndBroker), RabbitMqBuilder.RabbitMqPort)
            .WithLabel(TestInfrastructure.RunLabel, TestInfrastructure.RunId)
            .Build();
        await _broker.StartAsync(TestContext.Current.CancellationToken);
        var options = new PartnerMeshApplicationOptions
        {
            StateDirectory = _stateDirectory,
            DatabaseNameSuffix = "_e2e_" + Guid.NewGuid().ToString("N")[..8],
            UseDynamicPorts = true,
            EnableDashboard = true, // its OTLP receiver lets the tests see every service export telemetry
            StartupTimeout = TimeSpan.FromMinutes(4),
        };
        options.ConnectionStrings["postgres"] = infrastructure.PostgresAdminConnectionString;
        options.ConnectionStrings["messaging"] = _broker.GetConnectionString();
        options.ConnectionStrings["redis"] = infrastructure.RedisConnectionString;

        App = await PartnerMeshApplication.StartAsync(options, TestContext.Current.CancellationToken);

        using var bootstrapAdmin = CreateClient(App.AdminApiKey);
        AdminApiKey = await CreateKeyAsync(bootstrapAdmin, "e2e-admin", "admin");
        StorefrontApiKey = await CreateKeyAsync(bootstrapAdmin, "e2e-storefront", "storefront");
    }

    public Task StopBrokerAsync() => _broker!.StopAsync();

    public Task StartBrokerAsync() => _broker!.StartAsync();

    public HttpClient CreateAdminClient() => CreateClient(AdminApiKey);

    public HttpClient CreateStorefrontClient() => CreateClient(StorefrontApiKey);

    /// <summary>A client with no credentials that does not follow redirects (a shopper's browser, step by step).</summary>
    public HttpClient CreateAnonymousClient(HttpMessageHandler? handler = null)
    {
        var client = handler is null
            ? new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
            : new HttpClient(handler);
        client.BaseAddress = App.GatewayUrl;
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }

        if (Environment.GetEnvironmentVariable("PARTNERMESH_E2E_KEEP_STATE") is "1")
        {
            Console.Error.WriteLine($"e2e state and logs kept in {_stateDirectory}");
            return;
        }

        try
        {
            Directory.Delete(_stateDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Logs may still be held briefly; the temp folder is cleaned by the OS eventually.
        }
    }

    private HttpClient CreateClient(string apiKey)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = App.GatewayUrl };
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
