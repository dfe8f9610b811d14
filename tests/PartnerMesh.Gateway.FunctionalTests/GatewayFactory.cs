using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using PartnerMesh.Gateway.ApiKeys;
using PartnerMesh.Gateway.Infrastructure;
using PartnerMesh.Redis;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Gateway.FunctionalTests;

/// <summary>The gateway in memory against real Postgres and Redis, with every service pointed at an <see cref="EchoUpstream"/>.</summary>
public class GatewayFactory : ServiceFactory<Program, GatewayDbContext>
{
    public EchoUpstream Upstream { get; } = new();

    /// <summary>This factory's client address (IPv6 documentation range), so per-IP limits never mix across factories.</summary>
    public IPAddress ClientIp { get; } = NewClientIp();

    protected override string DatabaseResourceName => ResourceNames.GatewayDb;

    protected override string ServiceName => ResourceNames.Gateway;

    public override async ValueTask InitializeAsync()
    {
        await Upstream.StartAsync();
        await base.InitializeAsync();
        await Services.GetRequiredService<RedisConnection>().WhenReadyAsync(RedisReachable);
    }

    /// <summary>Whether this factory's Redis is the test run's (true) or deliberately unreachable.</summary>
    protected virtual bool RedisReachable => true;

    protected override void ConfigureTestSettings(IDictionary<string, string?> settings)
    {
        foreach (var service in EchoUpstream.Services)
        {
            settings[$"services:{service}:http:0"] = Upstream.AddressOf(service);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new ClientIpStartupFilter(ClientIp)));
    }

    /// <summary>Creates a key directly through the service (as the bootstrap command does) and returns the plain key.</summary>
    public async Task<CreatedApiKey> CreateKeyAsync(string scope, int? rateLimitPerMinute = null, string name = "test")
    {
        await using var serviceScope = Services.CreateAsyncScope();
        var keys = serviceScope.ServiceProvider.GetRequiredService<ApiKeyService>();
        return await keys.CreateAsync(name, scope, rateLimitPerMinute ?? ApiKeyScopes.DefaultRateLimitPerMinute(scope), TestContext.Current.CancellationToken);
    }

    public async Task<HttpClient> CreateAdminClientAsync() => CreateApiKeyClient((await CreateKeyAsync(PartnerMeshScopes.Admin)).PlainTextKey);

    public async Task<HttpClient> CreateStorefrontClientAsync(int? rateLimitPerMinute = null) =>
        CreateApiKeyClient((await CreateKeyAsync(PartnerMeshScopes.Storefront, rateLimitPerMinute)).PlainTextKey);

    public HttpClient CreateApiKeyClient(string apiKey)
    {
        var client = CreateAnonymousClient();
        client.DefaultRequestHeaders.Add(ApiKeyAuthentication.HeaderName, apiKey);
        return client;
    }

    /// <summary>A random client address in the IPv6 documentation range.</summary>
    public static IPAddress NewClientIp() => new([0x20, 0x01, 0x0d, 0xb8, .. RandomNumberGenerator.GetBytes(12)]);

    /// <summary>
    /// Like <see cref="ServiceFactory{TProgram, TDbContext}.CreateAnonymousClient"/>, but its requests come from
    /// <paramref name="clientIp"/> instead of <see cref="ClientIp"/>: another client of the same gateway.
    /// </summary>
    public HttpClient CreateAnonymousClientFrom(IPAddress clientIp) =>
        new(Server.CreateHandler(context => context.Connection.RemoteIpAddress = clientIp)) { BaseAddress = Server.BaseAddress };

    /// <summary>Sends a request and reads what the upstream received.</summary>
    public static async Task<EchoedRequest> EchoAsync(HttpResponseMessage response)
    {
        var echoed = await response.ShouldBeAsync<EchoedRequest>(HttpStatusCode.OK);
        return echoed with { Headers = new Dictionary<string, string>(echoed.Headers, StringComparer.OrdinalIgnoreCase) };
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Upstream.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
