using System.ComponentModel.DataAnnotations;

namespace PartnerMesh.PartnerPortal.Api.SignInSecurity;

/// <summary>
/// Sign-in throttling (configuration section <c>PartnerPortal:SignInThrottle</c>). Failures are counted per account and
/// source address; past the free failures the source waits <see cref="FirstBackOff"/> × 2^k before its next attempt
/// is even checked. Failures from unknown sources also count towards a ceiling per account, which slows (never locks)
/// guessing spread over many addresses; sources the account signed in from recently are exempt from that ceiling and
/// wait at most <see cref="MaxBackOffForKnownSource"/>.
/// </summary>
public sealed class SignInThrottleOptions
{
    public const string SectionName = "PartnerPortal:SignInThrottle";

    /// <summary>Failures from one source before it has to wait.</summary>
    [Range(1, 100)]
    public int FreeFailuresPerSource { get; set; } = 5;

    /// <summary>The first wait; each further failure doubles it.</summary>
    public TimeSpan FirstBackOff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait of a source the account has not signed in from recently.</summary>
    public TimeSpan MaxBackOff { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The longest wait of a source the account signed in from recently (someone at the same address guessing).</summary>
    public TimeSpan MaxBackOffForKnownSource { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long after a successful sign-in its source counts as known.</summary>
    public TimeSpan KnownSourceFor { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Failures from unknown sources, all together, before every unknown source has to wait for the account.</summary>
    [Range(1, 10_000)]
    public int FreeFailuresPerAccount { get; set; } = 20;

    /// <summary>The longest wait the per-account ceiling imposes: it slows a distributed attack, it does not lock.</summary>
    public TimeSpan MaxAccountBackOff { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A count whose last failure is older than this starts again from zero.</summary>
    public TimeSpan ForgetFailuresAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long audit entries are kept.</summary>
    public TimeSpan AuditRetention { get; set; } = TimeSpan.FromDays(400);

    /// <summary>How often each instance deletes throttle rows that no longer matter and audit entries past retention.</summary>
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromHours(1);

    public const string ConsistencyRule =
        "PartnerPortal:SignInThrottle: FirstBackOff must be positive and at most every maximum back-off; KnownSourceFor, ForgetFailuresAfter, AuditRetention and CleanupInterval must be positive.";

    public static bool AreConsistent(SignInThrottleOptions options) =>
        options.FirstBackOff > TimeSpan.Zero
        && options.MaxBackOff >= options.FirstBackOff
        && options.MaxBackOffForKnownSource >= options.FirstBackOff
        && options.MaxAccountBackOff >= options.FirstBackOff
        && options.KnownSourceFor > TimeSpan.Zero
        && options.ForgetFailuresAfter > TimeSpan.Zero
        && options.AuditRetention > TimeSpan.Zero
        && options.CleanupInterval > TimeSpan.Zero;
}
