using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Configuration;

namespace PartnerMesh.Gateway.Proxy;

/// <summary>
/// Builds YARP's routes and clusters in memory from the service discovery settings Aspire injects
/// (<c>services:&lt;name&gt;:http:0</c>, env <c>services__attribution-api__http__0</c>; every index, and <c>https</c>
/// when there is no <c>http</c>), and rebuilds them when configuration reloads. This is what the unavailable
/// Microsoft.Extensions.ServiceDiscovery.Yarp package does. A service without an address is logged and answered with 503
/// instead of stopping the gateway: one missing service must not take the others down.
/// </summary>
public sealed class ServiceDiscoveryProxyConfigProvider : IProxyConfigProvider, IDisposable
{
    private readonly IConfiguration _configuration;
    private readonly ILogger<ServiceDiscoveryProxyConfigProvider> _logger;
    private readonly IDisposable _reloadRegistration;
    private Snapshot _current;

    public ServiceDiscoveryProxyConfigProvider(IConfiguration configuration, ILogger<ServiceDiscoveryProxyConfigProvider> logger)
    {
        _configuration = configuration;
        _logger = logger;
        _current = Build();
        _reloadRegistration = ChangeToken.OnChange(configuration.GetReloadToken, Reload);
    }

    public IProxyConfig GetConfig() => _current;

    public void Dispose()
    {
        _reloadRegistration.Dispose();
        _current.Dispose();
    }

    private void Reload()
    {
        var previous = _current;
        _current = Build();
        previous.Signal();
    }

    private Snapshot Build()
    {
        var clusters = GatewayRoutes.All
            .Select(route => route.Service)
            .Distinct(StringComparer.Ordinal)
            .Select(BuildCluster)
            .ToList();
        var routes = GatewayRoutes.All.Select(GatewayRoutes.ToRouteConfig).ToList();
        return new Snapshot(routes, clusters);
    }

    private ClusterConfig BuildCluster(string service)
    {
        var addresses = Addresses(service, "http");
        if (addresses.Count == 0)
        {
            addresses = Addresses(service, "https");
        }

        if (addresses.Count == 0)
        {
            _logger.LogWarning(
                "No address configured for {Service} (services__{Service}__http__0): its routes answer 503", service, service);
        }

        return new ClusterConfig
        {
            ClusterId = service,
            Destinations = addresses
                .Select((address, index) => (address, index))
                .ToDictionary(
                    item => $"{service}-{item.index}",
                    item => new DestinationConfig { Address = item.address },
                    StringComparer.Ordinal),
        };
    }

    private List<string> Addresses(string service, string scheme) =>
        _configuration.GetSection($"services:{service}:{scheme}").GetChildren()
            .OrderBy(child => int.TryParse(child.Key, out var index) ? index : int.MaxValue)
            .Select(child => child.Value)
            .OfType<string>()
            .Where(value => Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            .ToList();

    private sealed class Snapshot : IProxyConfig, IDisposable
    {
        private readonly CancellationTokenSource _changed = new();

        public Snapshot(IReadOnlyList<RouteConfig> routes, IReadOnlyList<ClusterConfig> clusters)
        {
            Routes = routes;
            Clusters = clusters;
            ChangeToken = new CancellationChangeToken(_changed.Token);
        }

        public IReadOnlyList<RouteConfig> Routes { get; }

        public IReadOnlyList<ClusterConfig> Clusters { get; }

        public IChangeToken ChangeToken { get; }

        public void Signal() => _changed.Cancel();

        public void Dispose() => _changed.Dispose();
    }
}
