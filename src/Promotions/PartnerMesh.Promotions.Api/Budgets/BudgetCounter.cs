namespace PartnerMesh.Promotions.Api.Budgets;

/// <summary>Uses and spend counted against one cap in one period (<see cref="BudgetKeys"/>); updated only by
/// conditional, row-locking UPDATEs, so concurrent reservations never pass the cap.</summary>
public sealed class BudgetCounter
{
    public required string Key { get; init; }
    public int Uses { get; set; }
    public decimal Spend { get; set; }
    public int? MaxUses { get; set; }
    public decimal? MaxSpend { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
