using System.Net.Http.Json;
using PartnerMesh.AppHost;
using PartnerMesh.Testing;
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

    public PartnerMeshApplication App { get; private set; } = null!;

    public string StorefrontApiKey { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var infrastructure = await TestInfrastructure.GetAsync();
        var vhost = await infrastructure.CreateVirtualHostAsync("e2e");
        var options = new PartnerMeshApplicationOptions
        {
            StateDirectory = _stateDirectory,
            DatabaseNameSuffix = "_e2e_" + Guid.NewGuid().ToString("N")[..8],
            UseDynamicPorts = true,
            EnableDashboard = true, // its OTLP receiver lets the tests see every service export telemetry
            StartupTimeout = TimeSpan.FromMinutes(4),
        };
        options.ConnectionStrings["postgres"] = infrastructure.PostgresAdminConnectionString;
        options.ConnectionStrings["messaging"] = vhost.ToString();
        options.ConnectionStrings["redis"] = infrastructure.RedisConnectionString;

        App = await PartnerMeshApplication.StartAsync(options, TestContext.Current.CancellationToken);

        using var admin = CreateAdminClient();
        var response = await admin.PostAsJsonAsync("/api/gateway/keys",
            new { name = "e2e-storefront", scope = "storefront", rateLimitPerMinute = 100_000 });
        response.EnsureSuccessStatusCode();
        StorefrontApiKey = (await response.Content.ReadFromJsonAsync<CreatedKey>())!.ApiKey;
    }

    public HttpClient CreateAdminClient() => CreateClient(App.AdminApiKey);

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

    private sealed record CreatedKey(string ApiKey);
}
