namespace PartnerMesh.Redis.ContactFrequency;

/// <summary>Configuration section <c>ContactFrequency</c>, the same for every service that contacts shoppers.</summary>
public sealed class ContactFrequencyOptions
{
    public const string SectionName = "ContactFrequency";

    /// <summary>
    /// The global recontact cooldown: after any proactive contact (an exit-intent or post-purchase survey, a
    /// behaviour-triggered coupon offer) the same shopper is not contacted again through any channel for this long.
    /// </summary>
    public TimeSpan GlobalCooldown { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a contact is remembered at most; the longest cooldown any caller passes must not exceed it.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(90);
}
