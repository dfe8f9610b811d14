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
/// binding port 0, so nothing a test starts can collide with a published one.
/// </remarks>
public static class ContainerPorts
{
    public const int Postgres = 0;
    public const int RabbitMq = 1;
    public const int RabbitMqManagement = 2;
    public const int Redis = 3;
    public const int EndToEndBroker = 4;

    private const int BlockSize = 8;
    private const int LowestPort = 10_000;
    private const int DefaultEphemeralStart = 32_768;

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

        var start = FindFreeBlock();
        await File.WriteAllTextAsync(file, start.ToString(CultureInfo.InvariantCulture));
        return start;
    }

    private static int FindFreeBlock()
    {
        var blocks = (EphemeralRangeStart() - LowestPort) / BlockSize;
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var start = LowestPort + (Random.Shared.Next(blocks) * BlockSize);
            if (Enumerable.Range(start, BlockSize).All(IsFree))
            {
                return start;
            }
        }

        throw new InvalidOperationException($"No {BlockSize} free consecutive ports below the ephemeral range for test containers.");
    }

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

        return DefaultEphemeralStart;
    }

    /// <summary>Free for a container to publish: nothing listens on it on any address.</summary>
    private static bool IsFree(int port)
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
}
