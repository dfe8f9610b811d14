using System.Net;
using System.Net.Sockets;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>analytics-api is down: its address points at a port nothing listens on.</summary>
public sealed class UnreachableAnalyticsPortalFactory : PortalApiFactory
{
    protected override Uri AnalyticsAddress()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}");
    }
}
