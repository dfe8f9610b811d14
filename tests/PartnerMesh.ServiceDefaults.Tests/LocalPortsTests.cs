using System.Net;
using System.Net.Sockets;
using Xunit;

namespace PartnerMesh.ServiceDefaults.Tests;

public sealed class LocalPortsTests
{
    [Fact]
    public void PortWithAListenerOnLoopback_IsNotFree()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();

        Assert.False(LocalPorts.IsFree(((IPEndPoint)listener.LocalEndpoint).Port));
    }

    [Fact]
    public void PortWithAListenerOnAnyAddress_IsNotFree()
    {
        using var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();

        Assert.False(LocalPorts.IsFree(((IPEndPoint)listener.LocalEndpoint).Port));
    }

    [Fact]
    public void PortReleasedAgain_IsFree()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        Assert.True(LocalPorts.IsFree(port));
    }
}
