namespace PartnerMesh.Gateway.Proxy;

/// <summary>How the gateway treats callers on a proxied route.</summary>
public enum RouteAccess
{
    /// <summary>API key required; the client's credentials are replaced by a service token.</summary>
    ApiKey,

    /// <summary>No credentials (shoppers following <c>/r/{code}</c>); any the client sent are dropped.</summary>
    Anonymous,

    /// <summary>No credentials at the gateway; the portal's session cookie passes through, a client's Authorization does not.</summary>
    Portal,
}
