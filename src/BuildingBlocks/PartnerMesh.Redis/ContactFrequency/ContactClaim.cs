namespace PartnerMesh.Redis.ContactFrequency;

/// <summary>
/// The answer to "may this shopper be contacted now?". When <see cref="Granted"/>, the contact has been recorded under
/// every identity of the subject; otherwise <see cref="LastContactAt"/> and <see cref="LastChannel"/> say why not.
/// </summary>
public sealed record ContactClaim(bool Granted, DateTimeOffset? LastContactAt, string? LastChannel)
{
    /// <summary>When the shopper may be contacted again under the cooldown that refused this claim.</summary>
    public DateTimeOffset? RetryAfter { get; init; }
}

/// <summary>The most recent contact recorded for a shopper.</summary>
public sealed record LastContact(DateTimeOffset At, string Channel);
