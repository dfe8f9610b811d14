using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.PartnerPortal.Api.Infrastructure;

namespace PartnerMesh.PartnerPortal.Api.Accounts;

/// <summary>
/// Checks a partner's email and password. Five wrong passwords lock the account for five minutes. Every failure looks
/// the same to the caller and costs the same hashing time, so the form reveals neither which emails exist nor lockouts.
/// </summary>
public sealed class SignInService(PortalDbContext db, IPasswordHasher<PortalAccount> hasher, TimeProvider timeProvider)
{
    public const int MaxFailedAttempts = 5;
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(5);

    private static readonly Lazy<string> TimingDecoyHash = new(() =>
        new PasswordHasher<PortalAccount>().HashPassword(null!, Guid.NewGuid().ToString()));

    public async Task<SignInResult> SignInAsync(string? email, string? password, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password)
            || email.Length > AccountRules.MaxEmailLength || password.Length > AccountRules.MaxPasswordLength)
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
        if (account.LockoutEndsAt > now)
        {
            hasher.VerifyHashedPassword(account, TimingDecoyHash.Value, password);
            return SignInResult.LockedOut;
        }

        var verification = hasher.VerifyHashedPassword(account, account.PasswordHash, password);
        if (verification == PasswordVerificationResult.Failed)
        {
            await RecordFailureAsync(account.Id, now, cancellationToken);
            return SignInResult.Failed;
        }

        if (verification == PasswordVerificationResult.SuccessRehashNeeded)
        {
            account.PasswordHash = hasher.HashPassword(account, password);
        }

        account.FailedSignInCount = 0;
        account.LockoutEndsAt = null;
        account.LastSignInAt = now;
        await db.SaveChangesAsync(cancellationToken);
        return SignInResult.Success(account);
    }

    /// <summary>One atomic statement, so parallel wrong guesses cannot slip past the counter.</summary>
    private async Task RecordFailureAsync(Guid accountId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        DateTimeOffset? lockoutEndsAt = now + LockoutDuration;
        await db.Accounts
            .Where(account => account.Id == accountId)
            .ExecuteUpdateAsync(
                update => update
                    .SetProperty(
                        account => account.LockoutEndsAt,
                        account => account.FailedSignInCount + 1 >= MaxFailedAttempts ? lockoutEndsAt : account.LockoutEndsAt)
                    .SetProperty(
                        account => account.FailedSignInCount,
                        account => account.FailedSignInCount + 1 >= MaxFailedAttempts ? 0 : account.FailedSignInCount + 1),
                cancellationToken);
    }
}
