namespace PartnerMesh.PartnerPortal.Api.SignInSecurity;

/// <summary>A throttling event of the portal's sign-in, kept for operators (<c>GET /api/portal/security/audit</c>).</summary>
public sealed class SignInAuditEntry
{
    public const int MaxKindLength = 32;

    /// <summary>Assigned by the database in insertion order: the order of the log and its paging cursor.</summary>
    public long Id { get; init; }

    public DateTimeOffset OccurredAt { get; init; }

    /// <summary>One of <see cref="SignInAuditKinds"/>.</summary>
    public required string Kind { get; init; }

    /// <summary><see cref="SignInAuditScopes.Source"/> (one account and source) or <see cref="SignInAuditScopes.Account"/> (the ceiling).</summary>
    public required string Scope { get; init; }

    public Guid AccountId { get; init; }

    public Guid PartnerId { get; init; }

    /// <summary>The source of the attempt (an IPv4 address or an IPv6 /64).</summary>
    public required string Source { get; init; }

    /// <summary>Whether the account had signed in from this source recently.</summary>
    public bool KnownSource { get; init; }

    /// <summary>Failures counted in the scope, this attempt included.</summary>
    public int Failures { get; init; }

    /// <summary>Until when the scope refuses attempts (back-off started, throttled).</summary>
    public DateTimeOffset? BlockedUntil { get; init; }
}

public static class SignInAuditKinds
{
    /// <summary>A failure that made the scope wait for the first time in its run of failures.</summary>
    public const string BackOffStarted = "back-off-started";

    /// <summary>An attempt refused unchecked because the scope is waiting (at most one entry per wait).</summary>
    public const string Throttled = "throttled";

    /// <summary>A successful sign-in after the scope had been made to wait; its counts start again.</summary>
    public const string SignedInAfterBackOff = "signed-in-after-back-off";

    public static readonly IReadOnlyList<string> All = [BackOffStarted, Throttled, SignedInAfterBackOff];
}

public static class SignInAuditScopes
{
    public const string Source = "source";
    public const string Account = "account";
}
