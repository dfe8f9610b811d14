namespace PartnerMesh.Analytics.Api.Kpis;

/// <summary>
/// One partner's orders, revenue and commission on one UTC day (of the orders) in one currency, net of refunds and
/// cancellations (<see cref="AttributedOrder"/>). Amounts in different currencies are never added up: without exchange
/// rates a sum would be meaningless.
/// </summary>
public sealed class PartnerDailySales
{
    /// <summary>ISO 4217 "no currency": the sales recorded before analytics kept currencies.</summary>
    public const string UnknownCurrency = "XXX";

    public Guid PartnerId { get; init; }

    public DateOnly Day { get; init; }

    public required string Currency { get; init; }

    /// <summary>Orders not cancelled.</summary>
    public long Orders { get; init; }

    /// <summary>Net: order totals less refunds, cancelled orders' totals taken off.</summary>
    public decimal Revenue { get; init; }

    /// <summary>Order totals as placed.</summary>
    public decimal GrossRevenue { get; init; }

    /// <summary>Net of the commission refunds and cancellations reversed.</summary>
    public decimal Commission { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}
