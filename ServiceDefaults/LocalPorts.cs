using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace PartnerMesh.ServiceDefaults;

/// <summary>
/// Choosing local TCP ports that stay ours. A port found by binding port 0 and closing the socket again comes from the
/// kernel's ephemeral range, where any process binding port 0 can be handed the same number before we bind it; and a
/// container engine may publish a port with a DNAT rule without holding a socket on it (rootful podman with CNI), so
/// a bind succeeds on a port whose connections all go to a container. Ports below the ephemeral range that nothing is
/// bound to and nothing answers on avoid both.
/// </summary>
public static class LocalPorts
{
    private const int LinuxDefaultEphemeralStart = 32_768;
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromMilliseconds(250);

    /// <summary>The first port the kernel hands out for port 0 (Linux: <c>ip_local_port_range</c>).</summary>
    public static int EphemeralRangeStart()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        if (File.Exists(range)
            && File.ReadAllText(range).Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries) is [var low, ..]
            && int.TryParse(low, NumberStyles.None, CultureInfo.InvariantCulture, out var start))
        {
            return start;
        }

        return LinuxDefaultEphemeralStart;
    }

    /// <summary>Nothing is bound to <paramref name="port"/> on any address, and nothing answers on it from loopback.</summary>
    public static bool IsFree(int port) => CanBind(port) && !Answers(port);

    private static bool CanBind(int port)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Any, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>A refused connection means free; a connection, or silence until the timeout, means taken.</summary>
    private static bool Answers(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(ProbeTimeout);
        try
        {
            socket.ConnectAsync(IPAddress.Loopback, port, timeout.Token).AsTask().GetAwaiter().GetResult();
            return true;
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return false;
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException)
        {
            return true;
        }
    }
}
