using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using PartnerMesh.Gateway.RateLimiting;

namespace PartnerMesh.Gateway.ApiKeys;

/// <summary>
/// A per-client budget of failed authentications (<see cref="GatewayOptions.FailedAuthenticationsPerMinute"/>), checked
/// before a presented key is parsed or looked up: a client guessing or flooding made-up keys gets 429 without costing a
/// database query. Counted per gateway instance in fixed one-minute windows, in memory and bounded
/// (<see cref="MaxTrackedClients"/>; IPv6 clients by /64, which one subscriber usually holds whole), so a flood from
/// many addresses cannot grow the gateway's memory either.
/// A blocked address still gets through with a key that authenticated on this instance in the last
/// <see cref="TrustedKeyMemory"/>: a shop whose back end shares its address with a misconfigured job sending a
/// revoked key must not lose its own traffic. Such a key costs at most a cached lookup (one database read per key per
/// cache period, bounded by the number of real keys) and its hash comparison; a wrong secret for it still counts.
/// </summary>
public sealed class FailedAuthenticationThrottle(IOptions<GatewayOptions> options, TimeProvider timeProvider) : IDisposable
{
    public const int MaxTrackedClients = 100_000;
    public const int MaxTrustedKeys = 50_000;
    public static readonly TimeSpan TrustedKeyMemory = TimeSpan.FromMinutes(10);
    private const int WindowSeconds = 60;

    private readonly MemoryCache _recentlyAuthenticated = new(new MemoryCacheOptions { SizeLimit = MaxTrustedKeys, CompactionPercentage = 0.2 });

    // Full of clients failing in this very window, the newest go uncounted rather than grow memory; each of them can
    // still cost only a bounded key-cache entry and one lookup per made-up key.
    private readonly InMemoryWindowCounter _failures = new(MaxTrackedClients);

    public int TrackedClients => _failures.Partitions;

    /// <summary>Whether <paramref name="client"/> has used up its failures for this window; if so, when to retry.</summary>
    public bool IsBlocked(IPAddress? client, out int retryAfterSeconds)
    {
        var (windowStart, remaining) = CurrentWindow();
        retryAfterSeconds = remaining;
        return _failures.Count(ClientKey(client), windowStart) >= options.Value.FailedAuthenticationsPerMinute;
    }

    public void RecordFailure(IPAddress? client) => _failures.Increment(ClientKey(client), CurrentWindow().Start);

    /// <summary>Whether <paramref name="keyId"/> authenticated on this instance lately, so a blocked address may still use it.</summary>
    public bool AuthenticatedRecently(string keyId) => _recentlyAuthenticated.TryGetValue(keyId, out _);

    public void RecordSuccess(string keyId)
    {
        if (!_recentlyAuthenticated.TryGetValue(keyId, out _))
        {
            _recentlyAuthenticated.Set(keyId, true, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TrustedKeyMemory });
        }
    }

    public void Dispose() => _recentlyAuthenticated.Dispose();

    internal static string ClientKey(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }

    private (long Start, int RemainingSeconds) CurrentWindow()
    {
        var now = timeProvider.GetUtcNow().ToUnixTimeSeconds();
        var start = now - (now % WindowSeconds);
        return (start, (int)(start + WindowSeconds - now));
    }
}
