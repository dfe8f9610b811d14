using PartnerMesh.Testing;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>surveys-api is down: its address points at a port nothing listens on.</summary>
public sealed class UnreachableSurveysPortalFactory : PortalApiFactory
{
    protected override Uri SurveysAddress() => new($"http://127.0.0.1:{TestPorts.Closed}");
}
