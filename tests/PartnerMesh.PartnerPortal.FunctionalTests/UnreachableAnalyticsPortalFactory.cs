using PartnerMesh.Testing;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>analytics-api is down: its address points at a port nothing listens on.</summary>
public sealed class UnreachableAnalyticsPortalFactory : PortalApiFactory
{
    protected override Uri AnalyticsAddress() => new($"http://127.0.0.1:{TestPorts.Closed}");
}
