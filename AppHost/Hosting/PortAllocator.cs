using PartnerMesh.ServiceDefaults;

namespace PartnerMesh.AppHost.Hosting;

/// <summary>
/// Free loopback ports for test runs (<c>UseDynamicPorts</c>), never handed out twice by this process. They come from
/// 20000–24999: below the ephemeral range (see <see cref="LocalPorts"/>), so a port stays free between being chosen here
/// and the service binding it, and clear of the development ports and the test containers' ports (27100–29999).
/// </summary>
internal static class PortAllocator
{
    private const int Lowest = 20_000;
    private const int HighestExclusive = 25_000;
    private static readonly HashSet<int> Given = [];

    public static int GetFreePort()
    {
        lock (Given)
        {
            for (var attempt = 0; attempt < 1_000; attempt++)
            {
                var port = Random.Shared.Next(Lowest, HighestExclusive);
                if (!Given.Contains(port) && LocalPorts.IsFree(port))
                {
                    Given.Add(port);
                    return port;
                }
            }

            throw new InvalidOperationException($"No free port in {Lowest}–{HighestExclusive - 1}.");
        }
    }
}
