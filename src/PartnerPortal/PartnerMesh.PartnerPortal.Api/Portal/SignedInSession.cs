namespace PartnerMesh.PartnerPortal.Api.Portal;

/// <summary>
/// One sign-in's server-side record: the session cookie names it (<see cref="PortalSession.SessionId"/>) and is honoured
/// only while the row exists and has not expired, so logging out (deleting the row) ends the session everywhere at once,
/// also for a copy of the cookie.
/// </summary>
public sealed class SignedInSession
{
    public required Guid Id { get; init; }

    public required Guid AccountId { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Moves with the cookie's sliding expiration (<see cref="PortalCookieEvents"/>).</summary>
    public required DateTimeOffset ExpiresAt { get; set; }
}
