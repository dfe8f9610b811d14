using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace PartnerMesh.Testing;

/// <summary>
/// Host ports for the test run's containers, chosen below the kernel's ephemeral range and shared by every process of
/// the run through a file keyed by the run id.
/// </summary>
/// <remarks>
/// Podman (rootful, CNI) publishes a container port with a DNAT rule and holds no socket on the host port. A port it
/// picks at random comes from the ephemeral range, so a test host later binding port 0 (Kestrel, an echo upstream) can
/// be handed the same number, and every connection to it, loopback included, lands in the container instead: the test
/// sees "connection refused" or a stranger's protocol. Ports outside the ephemeral range are never handed out by
/// binding port 0, so nothing a test starts can collide with a published one. The range also stays clear of the
/// AppHost's development containers (25432–26379), MongoDB's 27017 and Kubernetes node ports (30000–32767).
/// </remarks>
public static class ContainerPorts
{
    public const int Postgres = 0;
    public const int RabbitMq = 1;
    public const int RabbitMqManagement = 2;
    public const int Redis = 3;
    public const int EndToEndBroker = 4;

    private const int BlockSize = 8;
    private const int LowestPort = 27_100;
    private const int HighestPortExclusive = 30_000;
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromMilliseconds(250);

    /// <summary>The host port for <paramref name="role"/> (one of the constants above) in this run's block.</summary>
    public static async Task<int> ForAsync(int role)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(role);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(role, BlockSize);
        return await BlockStartAsync() + role;
    }

    private static async Task<int> BlockStartAsync()
    {
        await using var runLock = await CrossProcessLock.AcquireAsync("partnermesh-test-ports");
        var file = Path.Combine(Path.GetTempPath(), $"partnermesh-test-ports-{TestInfrastructure.RunId}");
        if (File.Exists(file)
            && int.TryParse(await File.ReadAllTextAsync(file), NumberStyles.None, CultureInfo.InvariantCulture, out var recorded))
        {
            return recorded;
        }

        var start = await FindFreeBlockAsync();
        await File.WriteAllTextAsync(file, start.ToString(CultureInfo.InvariantCulture));
        return start;
    }

    private static async Task<int> FindFreeBlockAsync()
    {
        var blocks = (Math.Min(HighestPortExclusive, EphemeralRangeStart()) - LowestPort) / BlockSize;
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var start = LowestPort + (Random.Shared.Next(blocks) * BlockSize);
            if (await AllFreeAsync(start))
            {
                return start;
            }
        }

        throw new InvalidOperationException($"No {BlockSize} free consecutive ports in {LowestPort}–{HighestPortExclusive} for test containers.");
    }

    private static async Task<bool> AllFreeAsync(int start)
    {
        for (var port = start; port < start + BlockSize; port++)
        {
            if (!CanBind(port) || await AnswersAsync(port))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The kernel's ephemeral range start (Linux), when a machine lowered it into our range.</summary>
    private static int EphemeralRangeStart()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        if (File.Exists(range)
            && File.ReadAllText(range).Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries) is [var low, ..]
            && int.TryParse(low, NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            && start > LowestPort + BlockSize)
        {
            return start;
        }

        return HighestPortExclusive;
    }

    /// <summary>Nothing listens on the port on any address.</summary>
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
    /// Something answers on loopback although nothing is bound: another container published the port (a DNAT rule).
    /// A refused connection means free; a connection or silence means taken.
    /// </summary>
    private static async Task<bool> AnswersAsync(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(ProbeTimeout);
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
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
