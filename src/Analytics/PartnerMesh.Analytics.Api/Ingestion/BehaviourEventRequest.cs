using System.ComponentModel.DataAnnotations;
using System.Text.Json;

namespace PartnerMesh.Analytics.Api.Ingestion;

/// <summary>A batch of storefront behaviour events (<c>POST /api/analytics/events</c>).</summary>
public sealed record BehaviourBatchRequest([Required] IReadOnlyList<JsonElement>? Events);

/// <summary>One behaviour event as a storefront back end sends it.</summary>
public sealed record BehaviourEventRequest
{
    public string? EventId { get; init; }
    public string? Type { get; init; }
    public DateTimeOffset? OccurredAt { get; init; }
    /// <summary>Accepted instead of <see cref="OccurredAt"/> (the name other trackers use).</summary>
    public DateTimeOffset? Timestamp { get; init; }
    public string? VisitorId { get; init; }
    public string? CustomerId { get; init; }
    public string? SessionId { get; init; }
    public string? CartId { get; init; }
    public string? OrderId { get; init; }
    /// <summary>The shopper's e-mail address (a guest's identity for abandoned-cart offers).</summary>
    public string? Email { get; init; }
    /// <summary>Accepted instead of <see cref="Email"/> (attribution's name for it).</summary>
    public string? CustomerEmail { get; init; }
    public string? ProductId { get; init; }
    public int? Quantity { get; init; }
    /// <summary>Order total (order_completed) or the line's value (add/remove from cart).</summary>
    public decimal? Amount { get; init; }
    public string? Currency { get; init; }
    public Guid? ClickId { get; init; }
    public Guid? PartnerId { get; init; }
    public string? UtmSource { get; init; }
    public string? UtmMedium { get; init; }
    public string? UtmCampaign { get; init; }
    public string? Touchpoint { get; init; }
    public string? CouponCode { get; init; }
}

/// <summary>What happened to a batch: accepted ids (new), duplicates (already stored, counted once) and rejections.</summary>
public sealed record BatchReport(
    int Accepted,
    int Duplicates,
    int Rejected,
    IReadOnlyList<string> AcceptedIds,
    IReadOnlyList<string> DuplicateIds,
    IReadOnlyList<EventRejection> Rejections);

/// <param name="Index">The event's position in the batch (0-based).</param>
/// <param name="EventId">The event's id when it had a readable one.</param>
/// <param name="Reason">A machine-readable code (see docs/analytics.md).</param>
public sealed record EventRejection(int Index, string? EventId, string Reason, string Detail);
