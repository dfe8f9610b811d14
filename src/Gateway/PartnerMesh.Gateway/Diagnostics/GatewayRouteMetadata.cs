namespace PartnerMesh.Gateway.Diagnostics;

/// <summary>Endpoint metadata naming a gateway route (metrics tag) and whether it is rate limited per client IP.</summary>
public sealed record GatewayRouteMetadata(string RouteId, bool LimitPerClientIp = false);
