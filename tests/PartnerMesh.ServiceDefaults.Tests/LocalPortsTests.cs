using System.Net;
using System.Net.Sockets;
using PartnerMesh.Testing;
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

    [Fact]
    public void Candidates_LieOutsideTheEphemeralRange()
    {
        var (first, last) = LocalPorts.EphemeralRange();

        var candidates = LocalPorts.Candidates((20_000, 24_999));

        Assert.NotEmpty(candidates);
        Assert.All(candidates, port => Assert.True(port < first || port > last, $"{port} is in {first}–{last}"));
    }
}
