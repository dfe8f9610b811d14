using System.Globalization;

namespace PartnerMesh.Testing;

/// <summary>
/// Host ports for the test run's containers, chosen outside the kernel's ephemeral range and shared by every process of
/// the run through a file keyed by the run id.
/// </summary>
/// <remarks>
/// Podman (rootful, CNI) publishes a container port with a DNAT rule and holds no socket on the host port. A port it
/// picks at random comes from the ephemeral range, so a test host later binding port 0 (Kestrel, an echo upstream) can
/// be handed the same number, and every connection to it, loopback included, lands in the container instead: the test
/// sees "connection refused" or a stranger's protocol. Ports outside the ephemeral range are never handed out by binding
/// port 0 (see <see cref="LocalPorts"/>). The range 27100–29999 also stays clear of the AppHost's development ports
/// services (5101–5117, 8080–8081), MongoDB's 27017 and Kubernetes node ports (30000–32767).
/// </remarks>
public static class ContainerPorts
{
    public const int Postgres = 0;
    public const int RabbitMq = 1;
    public const int RabbitMqManagement = 2;
    public const int Redis = 3;
    // The end-to-end run's own listeners: the stand-in OTLP collector and the Aspire dashboard's three endpoints.
    public const int EndToEndOtlp = 4;
    public const int EndToEndDashboard = 5;
    public const int EndToEndDashboardOtlp = 6;
    public const int EndToEndResourceService = 7;

    /// <summary>The AppHost's <c>PartnerMesh:PortBase</c>: its services listen on the next seven ports.</summary>
    public const int EndToEndServicePortBase = 8;
    public const int EndToEndGateway = 16;
    /// <summary>The AppHost's <c>PartnerMesh:InfrastructurePortBase</c>: its containers publish the next three ports (17–19).</summary>
    public const int EndToEndInfrastructurePortBase = 16;

    private const int BlockSize = 20;
    private const int LowestPort = 27_100;
    private const int HighestPortExclusive = 30_000;

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
        var candidates = LocalPorts.Candidates((LowestPort, HighestPortExclusive - 1));
        var available = candidates.ToHashSet();
        var blockStarts = candidates.Where(start => (start - candidates[0]) % BlockSize == 0
            && Enumerable.Range(start, BlockSize).All(available.Contains)).ToList();
        for (var attempt = 0; attempt < 100 && blockStarts.Count > 0; attempt++)
        {
            var start = blockStarts[Random.Shared.Next(blockStarts.Count)];
            if (Enumerable.Range(start, BlockSize).All(LocalPorts.IsFree))
            {
                return start;
            }
        }

        throw new InvalidOperationException($"No {BlockSize} free consecutive ports outside the kernel's ephemeral range for test containers.");
    }
}
