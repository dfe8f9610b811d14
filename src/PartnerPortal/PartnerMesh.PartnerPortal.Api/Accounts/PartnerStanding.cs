namespace PartnerMesh.PartnerPortal.Api.Accounts;

/// <summary>
/// A partner's onboarding status as attribution last reported it (<c>PartnerStatusChanged</c>). No row means the
/// partner was registered active and never changed: only a partner whose latest status is <c>active</c> signs in.
/// </summary>
public sealed class PartnerStanding
{
    public const string Active = "active";

    public Guid PartnerId { get; init; }

    public required string Status { get; set; }

    /// <summary>When attribution made the change; an older event arriving late does not overwrite a newer one.</summary>
    public DateTimeOffset ChangedAt { get; set; }
}
