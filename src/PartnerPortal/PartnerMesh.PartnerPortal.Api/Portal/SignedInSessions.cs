using Microsoft.EntityFrameworkCore;
using PartnerMesh.PartnerDirectory;
using PartnerMesh.PartnerPortal.Api.Accounts;
using PartnerMesh.PartnerPortal.Api.Infrastructure;

namespace PartnerMesh.PartnerPortal.Api.Portal;

/// <summary>
/// The server-side half of a portal session (<see cref="SignedInSession"/>), in <c>portaldb</c> so every instance sees a
/// logout at once. Checked on every request with one indexed query and no cache: the same round trip that already
/// checked the account is still active.
/// </summary>
public sealed class SignedInSessions(PortalDbContext db, TimeProvider timeProvider)
{
    public async Task<Guid> StartAsync(PortalAccount account, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var session = new SignedInSession { Id = Guid.NewGuid(), AccountId = account.Id, CreatedAt = now, ExpiresAt = now + PortalSession.Lifetime };
        db.Sessions.Add(session);
        await db.SaveChangesAsync(cancellationToken);
        return session.Id;
    }

    /// <summary>
    /// Whether the session exists, has not expired and belongs to <paramref name="accountId"/>, which is still active, and
    /// whether the account's partner is active (<see cref="PartnerStanding"/>): one query.
    /// </summary>
    public async Task<SessionState> CheckAsync(Guid sessionId, Guid accountId, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var partnerNotActive = await db.Sessions
            .Where(session => session.Id == sessionId && session.AccountId == accountId && session.ExpiresAt > now)
            .Join(db.Accounts.Where(account => account.DisabledAt == null), session => session.AccountId, account => account.Id, (_, account) => account)
            .Select(account => (bool?)db.PartnerStandings.Any(
                standing => standing.PartnerId == account.PartnerId && standing.Status != PartnerStanding.Active))
            .SingleOrDefaultAsync(cancellationToken);
        return partnerNotActive switch
        {
            null => SessionState.Ended,
            true => SessionState.PartnerNotActive,
            false => SessionState.Live,
        };
    }

    /// <summary>Called when the cookie is renewed (sliding expiration), so the row lives as long as the new cookie; an ended session stays ended.</summary>
    public Task ExtendAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var expiresAt = now + PortalSession.Lifetime;
        return db.Sessions.Where(session => session.Id == sessionId && session.ExpiresAt > now)
            .ExecuteUpdateAsync(update => update.SetProperty(session => session.ExpiresAt, expiresAt), cancellationToken);
    }

    public Task EndAsync(Guid sessionId, CancellationToken cancellationToken) =>
        db.Sessions.Where(session => session.Id == sessionId).ExecuteDeleteAsync(cancellationToken);
}

public enum SessionState
{
    Live = 0,
    Ended = 1,

    /// <summary>The session is valid, but its partner was suspended (or is not active yet): it ends.</summary>
    PartnerNotActive = 2,
}
