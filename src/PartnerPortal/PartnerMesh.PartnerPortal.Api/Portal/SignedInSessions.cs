using Microsoft.EntityFrameworkCore;
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

    /// <summary>Whether the session exists, has not expired and belongs to <paramref name="accountId"/>, which is still active.</summary>
    public Task<bool> IsLiveAsync(Guid sessionId, Guid accountId, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        return db.Sessions.AnyAsync(
            session => session.Id == sessionId && session.AccountId == accountId && session.ExpiresAt > now
                && db.Accounts.Any(account => account.Id == accountId && account.DisabledAt == null),
            cancellationToken);
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
