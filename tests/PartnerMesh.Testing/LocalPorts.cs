using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace PartnerMesh.Testing;

/// <summary>
/// Choosing local TCP ports that stay ours. A port found by binding port 0 and closing the socket again comes from the
/// kernel's ephemeral range, where any process binding port 0 can be handed the same number before we bind it; and a
/// container engine may publish a port with a DNAT rule without holding a socket on it (rootful podman with CNI), so
/// a bind succeeds on a port whose connections all go to a container. Ports outside the ephemeral range that nothing
/// is bound to and nothing answers on avoid both.
/// </summary>
public static class LocalPorts
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// The ports the kernel hands out for port 0: Linux's <c>ip_local_port_range</c> (default 32768–60999), elsewhere
    /// the IANA dynamic range 49152–65535 (Windows' and macOS' default).
    /// </summary>
    public static (int First, int Last) EphemeralRange()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        if (File.Exists(range)
            && File.ReadAllText(range).Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries) is [var low, var high, ..]
            && int.TryParse(low, NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            && int.TryParse(high, NumberStyles.None, CultureInfo.InvariantCulture, out var last))
        {
            return (first, last);
        }

        return OperatingSystem.IsLinux() ? (32_768, 60_999) : (49_152, 65_535);
    }

    /// <summary>
    /// The ports of <paramref name="preferred"/> outside the ephemeral range; when the kernel's range covers all of
    /// them (a machine configured with a wide range), the ports above the range instead.
    /// </summary>
    public static IReadOnlyList<int> Candidates((int First, int Last) preferred)
    {
        var (first, last) = EphemeralRange();
        var outside = Enumerable.Range(preferred.First, preferred.Last - preferred.First + 1)
            .Where(port => port < first || port > last)
            .ToList();
        return outside.Count > 0 ? outside : Enumerable.Range(last + 1, Math.Max(0, IPEndPoint.MaxPort - last)).ToList();
    }

    /// <summary>Nothing is bound to <paramref name="port"/> on any address, and (Linux) nothing answers on it from loopback.</summary>
    public static bool IsFree(int port) => CanBind(port) && !(OperatingSystem.IsLinux() && Answers(port));

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

    /// <summary>
    /// A DNAT-published port shows itself only here: a refused connection means free; a connection, or silence until
    /// the timeout, means taken. Linux only, where a refused loopback connect is immediate (Windows retries for ~2 s).
    /// </summary>
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
