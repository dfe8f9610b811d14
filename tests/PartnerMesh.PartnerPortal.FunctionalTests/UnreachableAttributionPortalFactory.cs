using PartnerMesh.Testing;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>attribution-api is down: its address points at a port nothing listens on.</summary>
public sealed class UnreachableAttributionPortalFactory : PortalApiFactory
{
    protected override Uri AttributionAddress() => new($"http://127.0.0.1:{TestPorts.Closed}");
}
