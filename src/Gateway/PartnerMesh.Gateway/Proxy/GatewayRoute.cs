using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Gateway.Proxy;

/// <summary>
/// A path prefix and the service (resource name) it is forwarded to, with the largest request body that service accepts:
/// the gateway refuses a larger one itself (413), rather than send it and have the service cut the connection mid-body;
/// and, where the route serves only some methods, those (any other is a 405 at the gateway).
/// </summary>
public sealed record GatewayRoute(
    string RouteId, string Path, string Service, RouteAccess Access, long MaxRequestBodyBytes = WebApiOptions.DefaultMaxRequestBodyBytes,
    IReadOnlyList<string>? Methods = null);
