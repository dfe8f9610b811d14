using System.Net;
using System.Net.Sockets;

namespace PartnerMesh.AppHost.Hosting;

/// <summary>Free loopback ports for test runs, never handed out twice by this process.</summary>
internal static class PortAllocator
{
    private static readonly HashSet<int> Given = [];

    public static int GetFreePort()
    {
        lock (Given)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();
                if (Given.Add(port))
                {
                    return port;
                }
            }
        }
    }

    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
