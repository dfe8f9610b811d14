using System.Net.Http.Headers;
using System.Security.Cryptography;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PartnerMesh.Contracts;
using PartnerMesh.Data;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.ServiceDefaults.Security;
using Xunit;

namespace PartnerMesh.Testing;

/// <summary>
/// Hosts one service in memory against real infrastructure: its own freshly migrated database, its own RabbitMQ
/// virtual host, the shared Redis, and a random service-token signing key. Clients carry real signed tokens, so
/// authentication and authorization run exactly as in production.
/// </summary>
public abstract class ServiceFactory<TProgram, TDbContext> : WebApplicationFactory<TProgram>, IAsyncLifetime
    where TProgram : class
    where TDbContext : DbContext
{
    private readonly Dictionary<string, string?> _settings = new(StringComparer.OrdinalIgnoreCase);
    private TestInfrastructure? _infrastructure;

    /// <summary>The service's database resource name, e.g. <c>ResourceNames.AttributionDb</c>.</summary>
    protected abstract string DatabaseResourceName { get; }

    public string SigningKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public string DatabaseConnectionString { get; private set; } = "";

    public Uri MessagingUri { get; private set; } = null!;

    public TestInfrastructure Infrastructure => _infrastructure ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>
    /// The settings this factory gives the service, as environment variables (<c>ConnectionStrings__couponsdb</c>, ...),
    /// for running its built binary with a host command (<see cref="HostCommandRunner"/>).
    /// </summary>
    public IReadOnlyDictionary<string, string?> EnvironmentVariables =>
        _settings.ToDictionary(setting => setting.Key.Replace(":", "__", StringComparison.Ordinal), setting => setting.Value, StringComparer.Ordinal);

    public virtual async ValueTask InitializeAsync()
    {
        _infrastructure = await TestInfrastructure.GetAsync();
        DatabaseConnectionString = await _infrastructure.CreateDatabaseAsync(DatabaseResourceName);
        MessagingUri = await _infrastructure.CreateVirtualHostAsync(DatabaseResourceName);

        _settings[$"ConnectionStrings:{DatabaseResourceName}"] = DatabaseConnectionString;
        _settings[$"ConnectionStrings:{ResourceNames.Messaging}"] = MessagingUri.ToString();
        _settings[$"ConnectionStrings:{ResourceNames.Redis}"] = _infrastructure.RedisConnectionString;
        _settings[$"{ServiceIdentityOptions.SectionName}:{nameof(ServiceIdentityOptions.SigningKey)}"] = SigningKey;
        ConfigureTestSettings(_settings);

        await MigrateAsync();
    }

    /// <summary>Adds or overrides configuration for the hosted service.</summary>
    protected virtual void ConfigureTestSettings(IDictionary<string, string?> settings)
    {
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public HttpClient CreateClientWithScopes(params string[] scopes) =>
        WithToken(CreateAnonymousClient(), Issuer().Issue("test-client", scopes, keyId: "test"));

    public HttpClient CreatePartnerClient(Guid partnerId) =>
        WithToken(CreateAnonymousClient(), Issuer().Issue($"partner:{partnerId}", [PartnerMeshScopes.Partner], partnerId));

    /// <summary>A client without credentials that does not follow redirects.</summary>
    public HttpClient CreateAnonymousClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

    public ServiceTokenIssuer Issuer() =>
        new(Options.Create(new ServiceIdentityOptions { SigningKey = SigningKey }), TimeProvider.System);

    public async Task<T> QueryDbAsync<T>(Func<TDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<TDbContext>());
    }

    /// <summary>Publishes an integration event on the service's own bus (MessageId = EventId), as another service's relay would.</summary>
    public async Task PublishAsync<T>(T message)
        where T : class, IIntegrationEvent
    {
        var bus = Services.GetRequiredService<IBusControl>();
        await bus.WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(30));
        await bus.Publish(message, context => context.MessageId = message.EventId);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_infrastructure is not null && DatabaseConnectionString.Length > 0)
        {
            await _infrastructure.DropDatabaseAsync(DatabaseConnectionString);
        }

        GC.SuppressFinalize(this);
    }

    private async Task MigrateAsync()
    {
        var options = new DbContextOptionsBuilder<TDbContext>().UsePartnerMeshNpgsql(DatabaseConnectionString).Options;
        await using var db = (TDbContext)Activator.CreateInstance(typeof(TDbContext), options)!;
        await db.Database.MigrateAsync();
    }

    private static HttpClient WithToken(HttpClient client, string token)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
