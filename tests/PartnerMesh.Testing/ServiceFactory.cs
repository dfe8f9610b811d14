using System.Net.Http.Headers;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerMesh.Contracts;
using PartnerMesh.Data;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.ServiceDefaults.Security;
using Xunit;

namespace PartnerMesh.Testing;

/// <summary>
/// Hosts one service in memory against real infrastructure: its own freshly migrated database, its own RabbitMQ
/// virtual host, the shared Redis, and fresh service-token keys: the service trusts the public keys of the issuers the
/// AppHost would give it (<see cref="ServiceTokenIssuers.TrustedBy"/>), and signs with its own secret if it is an
/// issuer. Clients carry real ES256 tokens, so authentication and authorization run exactly as in production.
/// </summary>
public abstract class ServiceFactory<TProgram, TDbContext> : WebApplicationFactory<TProgram>, IAsyncLifetime
    where TProgram : class
    where TDbContext : DbContext
{
    private readonly Dictionary<string, string?> _settings = new(StringComparer.OrdinalIgnoreCase);
    private TestInfrastructure? _infrastructure;

    private TestServiceTokens? _tokens;

    /// <summary>The service's database resource name, e.g. <c>ResourceNames.AttributionDb</c>.</summary>
    protected abstract string DatabaseResourceName { get; }

    /// <summary>The service's resource name, e.g. <c>ResourceNames.AttributionApi</c>: the audience of its tokens.</summary>
    protected abstract string ServiceName { get; }

    /// <summary>The tokens callers of this service can present, good and bad.</summary>
    public TestServiceTokens Tokens => _tokens ??= new TestServiceTokens(ServiceName);

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
        foreach (var issuer in ServiceTokenIssuers.TrustedBy(ServiceName))
        {
            _settings[$"{ServiceIdentityOptions.SectionName}:Issuers:{issuer}:0"] = Tokens.PublicKeyOf(issuer);
        }

        if (ServiceTokenIssuers.IsIssuer(ServiceName))
        {
            _settings[$"{ServiceTokenSigningOptions.SectionName}:{nameof(ServiceTokenSigningOptions.SigningKey)}"] = Tokens.SecretOf(ServiceName);
        }
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

    public HttpClient CreateClientWithScopes(params string[] scopes) => CreateClientWithToken(Tokens.For(scopes));

    public HttpClient CreatePartnerClient(Guid partnerId) => CreateClientWithToken(Tokens.Partner(partnerId));

    public HttpClient CreateClientWithToken(string token) => WithToken(CreateAnonymousClient(), token);

    /// <summary>A client without credentials that does not follow redirects.</summary>
    public HttpClient CreateAnonymousClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

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
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            // The class's database goes even when the host's stop failed (that failure is still the class's to report).
            if (_infrastructure is not null && DatabaseConnectionString.Length > 0)
            {
                await _infrastructure.DropDatabaseAsync(DatabaseConnectionString);
            }

            GC.SuppressFinalize(this);
        }
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
