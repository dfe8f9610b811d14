namespace PartnerMesh.Analytics.Api.Kpis;

/// <summary>
/// One partner's orders, revenue and commission on one UTC day in one currency. Amounts in different currencies are
/// never added up: without exchange rates a sum would be meaningless.
/// </summary>
public sealed class PartnerDailySales
{
    /// <summary>ISO 4217 "no currency": the sales recorded before analytics kept currencies.</summary>
    public const string UnknownCurrency = "XXX";

    public Guid PartnerId { get; init; }

    public DateOnly Day { get; init; }

    public required string Currency { get; init; }

    public long Orders { get; init; }

    public decimal Revenue { get; init; }

    public decimal Commission { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}
