namespace PartnerMesh.Promotions.Api.Experiments;

/// <summary>
/// A variant's orders in one currency, kept incrementally: their count, the sum and sum of squares of the order totals
/// (for the AOV test) and the discount they were given (the promotion's cost). One row per experiment (or product-page
/// content entry), variant and currency: amounts in different currencies are never added together.
/// </summary>
public sealed class ExperimentVariantSales
{
    public required Guid ExperimentId { get; init; }
    public required string Variant { get; init; }
    public required string Currency { get; init; }
    public long Orders { get; init; }
    public decimal Revenue { get; init; }
    public decimal RevenueSquares { get; init; }
    public decimal Discount { get; init; }
}
