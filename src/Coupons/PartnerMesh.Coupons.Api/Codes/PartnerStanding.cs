namespace PartnerMesh.Coupons.Api.Codes;

/// <summary>
/// A partner's onboarding status as attribution last reported it (<c>PartnerStatusChanged</c>). No row means the partner
/// was registered active and never changed. A code of a partner whose latest status is not <see cref="Active"/> (suspended,
/// pending, invited) is refused <c>partner_inactive</c> at validation, reservation and redemption without a reservation.
/// </summary>
public sealed class PartnerStanding
{
    public const string Active = "active";

    public Guid PartnerId { get; init; }

    public required string Status { get; set; }

    /// <summary>When attribution made the change; an older event arriving late does not overwrite a newer one.</summary>
    public DateTimeOffset ChangedAt { get; set; }
}
