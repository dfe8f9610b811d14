using PartnerMesh.ServiceDefaults;

namespace PartnerMesh.AppHost.Hosting;

/// <summary>
/// Free loopback ports for test runs (<c>UseDynamicPorts</c>), never handed out twice by this process. They come from
/// 20000–24999 outside the ephemeral range (see <see cref="LocalPorts"/>), so a port stays free between being chosen
/// here and the service binding it; that range is clear of the development ports and the test containers' ports.
/// </summary>
internal static class PortAllocator
{
    private static readonly Lazy<IReadOnlyList<int>> Candidates = new(() => LocalPorts.Candidates((20_000, 24_999)));
    private static readonly HashSet<int> Given = [];

    public static int GetFreePort()
    {
        lock (Given)
        {
            var candidates = Candidates.Value;
            for (var attempt = 0; attempt < 200 && candidates.Count > 0; attempt++)
            {
                var port = candidates[Random.Shared.Next(candidates.Count)];
                if (!Given.Contains(port) && LocalPorts.IsFree(port))
                {
                    Given.Add(port);
                    return port;
                }
            }

            throw new InvalidOperationException("No free port outside the kernel's ephemeral range for the AppHost's services.");
        }
    }
}
