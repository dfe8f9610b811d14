namespace PartnerMesh.Coupons.Api.Checkout;

/// <summary>
/// Uses counted against one limit: <c>campaign:{id}</c>, <c>code:{id}</c>, <c>customer:{campaign}:{customer key}</c>,
/// <c>partner:{campaign}:{partner}</c>. A held reservation and an active redemption each count one use.
/// </summary>
public sealed class UsageCounter
{
    public required string Key { get; init; }
    public int Uses { get; set; }
    public int? MaxUses { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
