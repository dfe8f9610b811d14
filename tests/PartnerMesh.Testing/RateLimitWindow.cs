namespace PartnerMesh.Testing;

/// <summary>The gateway's fixed 60-second rate-limit windows (aligned to the Unix minute), as tests see them.</summary>
public static class RateLimitWindow
{
    /// <summary>Waits (polling, no fixed sleep) until the current 60-second window has at least 15 s left, so a short
    /// burst of requests lands in one window.</summary>
    public static Task EnsureRoomAsync() =>
        Eventually.UntilAsync(
            () => Task.FromResult(60 - (DateTimeOffset.UtcNow.ToUnixTimeSeconds() % 60) >= 15),
            TimeSpan.FromSeconds(20));

    /// <summary>The start (Unix seconds) of the current window, as in the gateway's Redis keys.</summary>
    public static long CurrentStart()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return now - (now % 60);
    }
}
