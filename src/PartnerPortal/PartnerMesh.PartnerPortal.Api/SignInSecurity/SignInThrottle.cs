namespace PartnerMesh.PartnerPortal.Api.SignInSecurity;

/// <summary>
/// Failed sign-ins of one account from one source (<see cref="Source"/>), or from all unknown sources together
/// (<see cref="AccountWide"/>). Written only with atomic statements (<see cref="SignInThrottler"/>).
/// </summary>
public sealed class SignInThrottle
{
    /// <summary>The <see cref="Source"/> of the per-account ceiling's row.</summary>
    public const string AccountWide = "*";

    public const int MaxSourceLength = 64;

    public Guid AccountId { get; init; }

    /// <summary>An IPv4 address, an IPv6 /64 network (<c>2001:db8:1:2::/64</c>), <c>unknown</c>, or <see cref="AccountWide"/>.</summary>
    public required string Source { get; init; }

    /// <summary>Attempts checked since the last success (or since failures were forgotten); the attempt is counted before it is checked.</summary>
    public int Failures { get; init; }

    /// <summary>Until when attempts are refused without being checked.</summary>
    public DateTimeOffset? BlockedUntil { get; init; }

    public DateTimeOffset? LastFailureAt { get; init; }

    /// <summary>The last successful sign-in from this source: a source with a recent one is known.</summary>
    public DateTimeOffset? LastSuccessAt { get; init; }

    /// <summary>The block a refusal was last audited for, so a blocked attacker does not write one audit row per attempt.</summary>
    public DateTimeOffset? ReportedBlockUntil { get; init; }
}
