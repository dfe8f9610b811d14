namespace PartnerMesh.PartnerPortal.Api.Webhooks;

/// <summary>
/// An endpoint that receives integration events: a partner's (only events about that partner) or, with
/// <see cref="PartnerId"/> null, a tool's (an e-mail tool, a BI pipeline: every event it subscribes to). The signing
/// secret is kept encrypted with the portal's data-protection keys (it must be readable to sign), never hashed.
/// </summary>
public sealed class WebhookSubscription
{
    public required Guid Id { get; init; }
    public Guid? PartnerId { get; init; }
    public required string Url { get; init; }
    public required string[] EventTypes { get; init; }
    public required string ProtectedSecret { get; set; }
    public bool Active { get; set; } = true;
    /// <summary>Failed attempts in a row (any of its deliveries); a delivered attempt or a switch-on resets it.</summary>
    public int ConsecutiveFailures { get; set; }

    /// <summary>When the first of <see cref="ConsecutiveFailures"/> happened (null while none).</summary>
    public DateTimeOffset? FailingSince { get; set; }

    /// <summary>
    /// When it was switched off for failing (<see cref="WebhookOptions.DisableAfterConsecutiveFailures"/>); null while active
    /// and when its owner switched it off. Switched off for failing, it still records events (they wait); by its owner, not.
    /// </summary>
    public DateTimeOffset? DisabledAt { get; set; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required string CreatedBy { get; init; }

    /// <summary>The <c>Idempotency-Key</c> it was created with: unique per owner (a partner, or admins together).</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>
    /// The secret it had before its latest rotation, encrypted as <see cref="ProtectedSecret"/>: deliveries are signed with
    /// it too until <see cref="PreviousSecretExpiresAt"/>. Null before the first rotation.
    /// </summary>
    public string? PreviousProtectedSecret { get; set; }

    /// <summary>When <see cref="PreviousProtectedSecret"/> stops signing (<see cref="WebhookOptions.SecretRotationOverlap"/> after the rotation).</summary>
    public DateTimeOffset? PreviousSecretExpiresAt { get; set; }

    /// <summary>When its secret was last rotated; null before the first rotation (and for rotations made before this was kept).</summary>
    public DateTimeOffset? SecretRotatedAt { get; set; }

    /// <summary>The <c>Idempotency-Key</c> of its latest secret rotation: a retry with it answers the same secret again.</summary>
    public string? SecretRotationKey { get; set; }
}

/// <summary>One event for one subscription: unique per (subscription, event), so a redelivered message fans out once.</summary>
public sealed class WebhookDelivery
{
    public required Guid Id { get; init; }
    public required Guid SubscriptionId { get; init; }
    public required Guid EventId { get; init; }
    public required string EventType { get; init; }
    public required string Payload { get; init; }
    public required string Status { get; set; }
    public int Attempts { get; set; }
    public required DateTimeOffset NextAttemptAt { get; set; }
    public int? LastStatusCode { get; set; }
    public string? LastError { get; set; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? DeliveredAt { get; set; }

    /// <summary>When it was last sent (null until the first attempt; a skipped delivery is not sent).</summary>
    public DateTimeOffset? LastAttemptAt { get; set; }
}

public static class DeliveryStatuses
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";

    /// <summary>Gave up after <see cref="WebhookOptions.MaxAttempts"/>; can be redelivered by hand.</summary>
    public const string Failed = "failed";

    /// <summary>
    /// Not sent because the subscription's partner was not active (suspended, pending, invited) when it was due; it is not
    /// sent later on its own, only redelivered by hand once the partner is active again.
    /// </summary>
    public const string Skipped = "skipped";
}

public sealed class WebhookOptions
{
    public const string SectionName = "Webhooks";

    public int MaxAttempts { get; set; } = 10;
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(10);
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A subscription is switched off (on again with a PUT) by a failed attempt that makes at least this many failed attempts
    /// in a row spanning at least <see cref="DisableAfterFailingFor"/>: a burst of events failing at once never does it.
    /// </summary>
    public int DisableAfterConsecutiveFailures { get; set; } = 10;

    /// <summary>How long a subscription's attempts must have failed in a row (from the first) before it is switched off.</summary>
    public TimeSpan DisableAfterFailingFor { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long after a secret rotation deliveries are still signed with the previous secret too (a second <c>v1</c>), so a
    /// receiver can switch to the new secret without refusing a delivery.
    /// </summary>
    public TimeSpan SecretRotationOverlap { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Hosts allowed over plain http and on private addresses (development and tests: a receiver on loopback).</summary>
    public IList<string> InsecureHosts { get; } = [];
}
