namespace PartnerMesh.PartnerDirectory;

/// <summary>
/// A partner's onboarding status as attribution last reported it (<c>PartnerStatusChanged</c>), kept by the services that
/// refuse an inactive partner (coupons: its codes; the portal: its sign-in, sessions and webhooks). No row means the partner
/// was registered active and never changed; a partner whose latest status is not <see cref="Active"/> (suspended, pending,
/// invited) is inactive.
/// </summary>
public sealed class PartnerStanding
{
    public const string Active = "active";

    public Guid PartnerId { get; init; }

    public required string Status { get; set; }

    /// <summary>When attribution made the change; an older event arriving late does not overwrite a newer one.</summary>
    public DateTimeOffset ChangedAt { get; set; }
}
