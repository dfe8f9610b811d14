namespace PartnerMesh.Analytics.Api.Aggregation;

/// <summary>
/// A storefront event counted without a partner because the referral click it named (or its session's first event
/// named) had no <c>ClickRecorded</c> yet: what the click's late <c>ClickRecorded</c> needs to move the event's counts
/// into the click's partner's rows. Deleted once linked.
/// </summary>
public sealed class UnlinkedClickEvent
{
    public Guid Id { get; init; }
    public Guid ClickId { get; init; }
    public required string Type { get; init; }
    public DateTimeOffset OccurredAt { get; init; }

    /// <summary>The dimensions the event was counted under (its partner was none).</summary>
    public string? Campaign { get; init; }
    public required string TrafficSource { get; init; }
    public string? Touchpoint { get; init; }

    public string? SessionId { get; init; }
    public string? CartId { get; init; }
    public string? OrderId { get; init; }
    public string? CustomerId { get; init; }

    /// <summary>The event started its session: the session was counted under the event's dimensions.</summary>
    public bool StartedSession { get; init; }

    /// <summary>The event created its cart: the cart is counted under the event's dimensions.</summary>
    public bool CreatedCart { get; init; }
}
