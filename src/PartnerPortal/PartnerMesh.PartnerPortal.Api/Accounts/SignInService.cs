using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerMesh.PartnerDirectory;
using PartnerMesh.PartnerPortal.Api.Infrastructure;
using PartnerMesh.PartnerPortal.Api.SignInSecurity;

namespace PartnerMesh.PartnerPortal.Api.Accounts;

/// <summary>
/// Checks a partner's email and password. Wrong passwords slow down the source that sends them (exponential back-off per
/// account and source, <see cref="SignInThrottleOptions"/>) instead of locking the account, so nobody can lock a partner
/// out from another address. Every failure looks the same to the caller (unknown email, wrong password, throttled) and
/// costs the same hashing time, so the form reveals neither which emails exist nor who is being throttled.
/// </summary>
public sealed class SignInService(
    PortalDbContext db,
    IPasswordHasher<PortalAccount> hasher,
    SignInThrottler throttler,
    SignInAuditLog audit,
    IOptions<SignInThrottleOptions> options,
    TimeProvider timeProvider)
{
    private static readonly Lazy<string> TimingDecoyHash = new(() =>
        new PasswordHasher<PortalAccount>().HashPassword(null!, Guid.NewGuid().ToString()));

    public async Task<SignInResult> SignInAsync(string? email, string? password, string source, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password)
            || email.Length > AccountRules.MaxEmailLength || AccountRules.IsBeyondAnyPasswordLength(password))
        {
            return SignInResult.Failed;
        }

        var normalizedEmail = AccountRules.NormalizeEmail(email);
        var account = await db.Accounts
            .SingleOrDefaultAsync(account => account.NormalizedEmail == normalizedEmail && account.DisabledAt == null, cancellationToken);
        if (account is null)
        {
            hasher.VerifyHashedPassword(null!, TimingDecoyHash.Value, password);
            return SignInResult.Failed;
        }

        var now = timeProvider.GetUtcNow();
        var admission = await throttler.AdmitAsync(account.Id, source, now, cancellationToken);
        if (!admission.Admitted)
        {
            hasher.VerifyHashedPassword(account, TimingDecoyHash.Value, password);
            var scope = admission.RefusedScope!;
            if (await throttler.ReportRefusalAsync(account.Id, source, scope, now, cancellationToken) is { } blocked)
            {
                var known = scope == SignInAuditScopes.Source && blocked.LastSuccessAt >= now - options.Value.KnownSourceFor;
                await audit.RecordAsync(SignInAuditKinds.Throttled, scope, account, source, known, blocked, cancellationToken);
            }

            return SignInResult.Throttled;
        }

        var normalized = AccountRules.NormalizePassword(password);
        var verification = hasher.VerifyPassword(account, normalized, password);
        if (verification == PasswordVerificationResult.Failed)
        {
            await AuditFailureAsync(account, source, admission, cancellationToken);
            return SignInResult.Failed;
        }

        await AuditSuccessAsync(account, source, admission, cancellationToken);
        await throttler.ResetAsync(account.Id, source, now, cancellationToken);
        if (verification == PasswordVerificationResult.SuccessRehashNeeded)
        {
            account.PasswordHash = hasher.HashPassword(account, normalized);
        }

        // Only once the password is right does the form say the partner is not active (a guess learns nothing).
        if (await db.PartnerStandings.AnyAsync(
                standing => standing.PartnerId == account.PartnerId && standing.Status != PartnerStanding.Active, cancellationToken))
        {
            await db.SaveChangesAsync(cancellationToken);
            return SignInResult.PartnerNotActive;
        }

        account.LastSignInAt = now;
        await db.SaveChangesAsync(cancellationToken);
        return SignInResult.Success(account);
    }

    /// <summary>The failure that made a scope wait for the first time in its run.</summary>
    private async Task AuditFailureAsync(PortalAccount account, string source, Admission admission, CancellationToken cancellationToken)
    {
        if (admission.SourceRow!.Failures == options.Value.FreeFailuresPerSource)
        {
            await audit.RecordAsync(
                SignInAuditKinds.BackOffStarted, SignInAuditScopes.Source, account, source, admission.KnownSource, admission.SourceRow, cancellationToken);
        }

        if (admission.AccountRow?.Failures == options.Value.FreeFailuresPerAccount)
        {
            await audit.RecordAsync(
                SignInAuditKinds.BackOffStarted, SignInAuditScopes.Account, account, source, admission.KnownSource, admission.AccountRow, cancellationToken);
        }
    }

    /// <summary>A success after a scope had to wait (the counts include this attempt, hence "− 1").</summary>
    private async Task AuditSuccessAsync(PortalAccount account, string source, Admission admission, CancellationToken cancellationToken)
    {
        if (admission.SourceRow!.Failures - 1 >= options.Value.FreeFailuresPerSource)
        {
            await audit.RecordAsync(
                SignInAuditKinds.SignedInAfterBackOff, SignInAuditScopes.Source, account, source, admission.KnownSource, admission.SourceRow, cancellationToken);
        }

        if (admission.AccountRow is { } accountRow && accountRow.Failures - 1 >= options.Value.FreeFailuresPerAccount)
        {
            await audit.RecordAsync(
                SignInAuditKinds.SignedInAfterBackOff, SignInAuditScopes.Account, account, source, admission.KnownSource, accountRow, cancellationToken);
        }
    }
}
