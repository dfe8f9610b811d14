namespace PartnerMesh.Analytics.Api.Aggregation;

/// <summary>The dimension values an event or fact counts under.</summary>
public sealed record Dims(Guid? PartnerId, string? Campaign, string TrafficSource, string? Touchpoint, string[] Segments)
{
    public const string Direct = "direct";

    public static readonly Dims None = new(null, null, Direct, null, []);

    public IEnumerable<(string Dimension, string Value)> Expand()
    {
        yield return (Dimensions.All, "");
        if (PartnerId is { } partner)
        {
            yield return (Dimensions.Partner, partner.ToString());
        }

        if (Campaign is not null)
        {
            yield return (Dimensions.Campaign, Campaign);
        }

        yield return (Dimensions.TrafficSource, TrafficSource);
        if (Touchpoint is not null)
        {
            yield return (Dimensions.Touchpoint, Touchpoint);
        }

        foreach (var segment in Segments)
        {
            yield return (Dimensions.Segment, segment);
        }
    }
}

/// <summary>Columns every fact keeps of the dimensions it was first counted under.</summary>
public abstract class DimensionedFact
{
    public Guid? PartnerId { get; set; }
    public string? Campaign { get; set; }
    public string TrafficSource { get; set; } = Dims.Direct;
    public string? Touchpoint { get; set; }
    public string[] Segments { get; set; } = [];

    public Dims Dims => new(PartnerId, Campaign, TrafficSource, Touchpoint, Segments);

    public void SetDims(Dims dims)
    {
        PartnerId = dims.PartnerId;
        Campaign = dims.Campaign;
        TrafficSource = dims.TrafficSource;
        Touchpoint = dims.Touchpoint;
        Segments = dims.Segments;
    }
}

/// <summary>A storefront session: counted once, converted once (on the session's start).</summary>
public sealed class SessionFact : DimensionedFact
{
    public required string SessionId { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public string? VisitorId { get; set; }
    public bool Converted { get; set; }
}

public static class CartStatuses
{
    public const string Open = "open";
    public const string Ordered = "ordered";
    public const string Abandoned = "abandoned";
    public const string Recovered = "recovered";
}

/// <summary>A cart as the storefront's server-side events describe it.</summary>
public sealed class CartFact : DimensionedFact
{
    public required string CartId { get; init; }
    public required string VisitorId { get; set; }
    public string? CustomerId { get; set; }
    public string? Email { get; set; }
    public string? SessionId { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset LastActivityAt { get; set; }
    public int Items { get; set; }
    public decimal Total { get; set; }
    public string? Currency { get; set; }
    public string Status { get; set; } = CartStatuses.Open;
    /// <summary>Counted in <c>carts</c> (once it first held items).</summary>
    public bool Counted { get; set; }
    public DateTimeOffset? AbandonedAt { get; set; }
}

/// <summary>An order, counted once whichever service told of it first; its flags count once each.</summary>
public sealed class OrderFact : DimensionedFact
{
    public required string OrderId { get; init; }
    public DateTimeOffset OrderedAt { get; init; }
    public required string Currency { get; init; }
    public decimal Amount { get; init; }
    public string? CustomerId { get; set; }
    public bool CustomerCounted { get; set; }
    public bool Attributed { get; set; }
    public decimal Commission { get; set; }
    public bool Coupon { get; set; }
    public bool Verified { get; set; }
    public bool Promotion { get; set; }
    public bool Mismatch { get; set; }
    public bool Refunded { get; set; }
    public long Refunds { get; set; }
    public decimal RefundedAmount { get; set; }
}

/// <summary>A known customer: what the segments are computed from.</summary>
public sealed class CustomerFact
{
    public required string CustomerId { get; init; }
    public int Orders { get; set; }
    public DateTimeOffset? FirstOrderAt { get; set; }
    public DateTimeOffset? LastOrderAt { get; set; }
    public int Carts { get; set; }
    public int AbandonedCarts { get; set; }
    public bool Lapsed { get; set; }
    /// <summary>The partner of the customer's latest partner-attributed activity (for partners' segment counts).</summary>
    public Guid? PartnerId { get; set; }
    public string[] Segments { get; set; } = [];
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A survey showing: counted shown once, answered once (on the showing's period).</summary>
public sealed class ImpressionFact : DimensionedFact
{
    public Guid ImpressionId { get; init; }
    public DateTimeOffset? ShownAt { get; set; }
    public bool Shown { get; set; }
    public bool Responded { get; set; }
}
