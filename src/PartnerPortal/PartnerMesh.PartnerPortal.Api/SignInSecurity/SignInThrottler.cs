using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerMesh.PartnerPortal.Api.Infrastructure;

namespace PartnerMesh.PartnerPortal.Api.SignInSecurity;

/// <summary>
/// The throttle state in <c>sign_in_throttles</c>, shared by every portal instance. Each attempt is counted before its
/// password is checked, by one atomic upsert that refuses it while the row is blocked, so parallel guesses cannot slip
/// past the count: the k-th of them is refused exactly as if they had come one after another.
/// </summary>
public sealed class SignInThrottler(PortalDbContext db, IOptions<SignInThrottleOptions> options)
{
    private SignInThrottleOptions Options => options.Value;

    /// <summary>
    /// Counts an attempt of <paramref name="accountId"/> from <paramref name="source"/>, or refuses it while the source
    /// (or, for an unknown source, the account as a whole) has to wait. A refused attempt counts nowhere.
    /// </summary>
    public async Task<Admission> AdmitAsync(Guid accountId, string source, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var knownSince = now - Options.KnownSourceFor;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var sourceRow = await CountAsync(
            accountId, source, now, Options.FreeFailuresPerSource, Options.MaxBackOff, Options.MaxBackOffForKnownSource, knownSince, cancellationToken);
        if (sourceRow is null)
        {
            return Admission.Refused(SignInAuditScopes.Source);
        }

        var known = sourceRow.LastSuccessAt >= knownSince;
        SignInThrottle? accountRow = null;
        if (!known)
        {
            accountRow = await CountAsync(
                accountId, SignInThrottle.AccountWide, now, Options.FreeFailuresPerAccount, Options.MaxAccountBackOff, Options.MaxAccountBackOff,
                knownSince, cancellationToken);
            if (accountRow is null)
            {
                // Not checked, so not counted for the source either.
                await transaction.RollbackAsync(cancellationToken);
                return Admission.Refused(SignInAuditScopes.Account);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return new Admission(null, sourceRow, accountRow, known);
    }

    /// <summary>
    /// Marks the wait that refused an attempt as reported and returns its row, or null when it was reported already
    /// (one audit entry per wait, however many attempts it refuses).
    /// </summary>
    public async Task<SignInThrottle?> ReportRefusalAsync(
        Guid accountId, string source, string scope, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rowSource = scope == SignInAuditScopes.Account ? SignInThrottle.AccountWide : source;
        var rows = await db.SignInThrottles.FromSql($"""
            UPDATE sign_in_throttles AS t SET reported_block_until = t.blocked_until
            WHERE t.account_id = {accountId} AND t.source = {rowSource} AND t.blocked_until > {now}
              AND t.reported_block_until IS DISTINCT FROM t.blocked_until
            RETURNING t.*
            """).AsNoTracking().ToListAsync(cancellationToken);
        return rows.SingleOrDefault();
    }

    /// <summary>After a successful sign-in: the source's and the account's counts start again, and the source is known.</summary>
    public async Task ResetAsync(Guid accountId, string source, DateTimeOffset now, CancellationToken cancellationToken)
    {
        DateTimeOffset? lastSuccessAt = now;
        await db.SignInThrottles.Where(row => row.AccountId == accountId && row.Source == source).ExecuteUpdateAsync(
            update => update
                .SetProperty(row => row.Failures, 0)
                .SetProperty(row => row.BlockedUntil, (DateTimeOffset?)null)
                .SetProperty(row => row.ReportedBlockUntil, (DateTimeOffset?)null)
                .SetProperty(row => row.LastSuccessAt, lastSuccessAt),
            cancellationToken);
        await db.SignInThrottles.Where(row => row.AccountId == accountId && row.Source == SignInThrottle.AccountWide).ExecuteUpdateAsync(
            update => update
                .SetProperty(row => row.Failures, 0)
                .SetProperty(row => row.BlockedUntil, (DateTimeOffset?)null)
                .SetProperty(row => row.ReportedBlockUntil, (DateTimeOffset?)null),
            cancellationToken);
    }

    /// <summary>
    /// One atomic upsert: counts the attempt and, from the <paramref name="free"/>-th on, blocks the row for
    /// FirstBackOff × 2^(count − free), at most <paramref name="cap"/> (<paramref name="knownCap"/> for a source with a
    /// success since <paramref name="knownSince"/>). Returns null, changing nothing, while the row is blocked.
    /// </summary>
    private async Task<SignInThrottle?> CountAsync(
        Guid accountId, string source, DateTimeOffset now, int free, TimeSpan cap, TimeSpan knownCap, DateTimeOffset knownSince,
        CancellationToken cancellationToken)
    {
        var first = Options.FirstBackOff;
        var forgetBefore = now - Options.ForgetFailuresAfter;
        var rows = await db.SignInThrottles.FromSql($"""
            INSERT INTO sign_in_throttles AS t (account_id, source, failures, blocked_until, last_failure_at)
            VALUES ({accountId}, {source}, 1, CASE WHEN 1 >= {free} THEN {now} + LEAST({first}, {cap}) END, {now})
            ON CONFLICT (account_id, source) DO UPDATE SET
                failures = CASE WHEN t.last_failure_at < {forgetBefore} THEN 1 ELSE t.failures + 1 END,
                blocked_until = CASE
                    WHEN (CASE WHEN t.last_failure_at < {forgetBefore} THEN 1 ELSE t.failures + 1 END) >= {free}
                    THEN {now} + LEAST(
                        {first} * power(2, LEAST((CASE WHEN t.last_failure_at < {forgetBefore} THEN 1 ELSE t.failures + 1 END) - {free}, 30)),
                        CASE WHEN t.last_success_at >= {knownSince} THEN {knownCap} ELSE {cap} END)
                END,
                last_failure_at = {now}
            WHERE t.blocked_until IS NULL OR t.blocked_until <= {now}
            RETURNING t.*
            """).AsNoTracking().ToListAsync(cancellationToken);
        return rows.SingleOrDefault();
    }
}

/// <summary>
/// The outcome of <see cref="SignInThrottler.AdmitAsync"/>: refused (by <see cref="RefusedScope"/>), or admitted with
/// the counts that now include the attempt (<see cref="AccountRow"/> is null for a known source).
/// </summary>
public sealed record Admission(string? RefusedScope, SignInThrottle? SourceRow, SignInThrottle? AccountRow, bool KnownSource)
{
    public bool Admitted => RefusedScope is null;

    public static Admission Refused(string scope) => new(scope, null, null, false);
}
