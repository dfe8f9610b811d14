using System.Reflection;
using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.ServiceDefaults.OpenApi;

/// <summary>
/// The build-time OpenAPI run (Microsoft.Extensions.ApiDescription.Server): the build starts the service's entry point
/// inside <c>GetDocument.Insider</c> only to read its endpoints. That run has no secrets and no infrastructure, so the
/// host gets placeholder connection strings (never connected to) and signing key and neither starts its background work nor validates
/// its options: the document depends on the endpoints alone.
/// </summary>
public static class DocumentGeneration
{
    public static bool IsRunning { get; } = Assembly.GetEntryAssembly()?.GetName().Name == "GetDocument.Insider";

    private static readonly string[] ConnectionNames =
    [
        ResourceNames.AttributionDb, ResourceNames.PromotionsDb, ResourceNames.CouponsDb, ResourceNames.SurveysDb,
        ResourceNames.AnalyticsDb, ResourceNames.PortalDb, ResourceNames.GatewayDb,
    ];

    /// <summary>In a document-generation run, adds the placeholder settings (below every real source, so those win).</summary>
    internal static void AddPlaceholderConfiguration(IConfigurationManager configuration)
    {
        var placeholders = ConnectionNames.ToDictionary(
            name => $"ConnectionStrings:{name}", name => (string?)$"Host=openapi.invalid;Database={name}", StringComparer.Ordinal);
        placeholders[$"ConnectionStrings:{ResourceNames.Messaging}"] = "amqp://openapi.invalid:5672";
        placeholders[$"ConnectionStrings:{ResourceNames.Redis}"] = "openapi.invalid:6379";
        // The token issuers (gateway, portal) build their signer while mapping endpoints: a throwaway key, never used.
        placeholders[$"{ServiceTokenSigningOptions.SectionName}:{nameof(ServiceTokenSigningOptions.SigningKey)}"] =
            RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 44);
        var sources = configuration.Sources.ToList();
        configuration.Sources.Clear();
        configuration.AddInMemoryCollection(placeholders);
        foreach (var source in sources)
        {
            configuration.Sources.Add(source);
        }
    }

    /// <summary>In a document-generation run, the host is built without hosted services and start-up validation.</summary>
    internal static void SkipStartupWork(IHostApplicationBuilder builder) =>
        builder.ConfigureContainer(new WithoutStartupWork());

    private sealed class WithoutStartupWork : IServiceProviderFactory<IServiceCollection>
    {
        private readonly DefaultServiceProviderFactory _inner = new();

        public IServiceCollection CreateBuilder(IServiceCollection services)
        {
            // The web host itself (a hosted service too) must start: it builds the routes the document lists.
            var backgroundWork = services.Where(service => service.ServiceType == typeof(IHostedService)
                && service.ImplementationType?.FullName != "Microsoft.AspNetCore.Hosting.GenericWebHostService").ToList();
            foreach (var service in backgroundWork)
            {
                services.Remove(service);
            }

            services.RemoveAll<IStartupValidator>();
            return _inner.CreateBuilder(services);
        }

        public IServiceProvider CreateServiceProvider(IServiceCollection containerBuilder) =>
            _inner.CreateServiceProvider(containerBuilder);
    }
}
