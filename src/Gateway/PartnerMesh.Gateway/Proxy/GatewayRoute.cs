namespace PartnerMesh.Gateway.Proxy;

/// <summary>A path prefix and the service (resource name) it is forwarded to.</summary>
public sealed record GatewayRoute(string RouteId, string Path, string Service, RouteAccess Access);
