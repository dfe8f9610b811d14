namespace PartnerMesh.Coupons.Api.Campaigns;

/// <summary>
/// A coupon campaign: the promotion its codes unlock and the limits every use is counted against. Null limits are
/// unlimited. <see cref="PartnerIds"/>, when not empty, restricts the campaign to sales attributed to those partners.
/// </summary>
public sealed class Campaign
{
    public required Guid Id { get; init; }
    public required string Name { get; init; }
    public required Guid PromotionId { get; init; }
    public DateTimeOffset? StartsAt { get; init; }
    public DateTimeOffset? EndsAt { get; init; }
    public int? MaxUses { get; init; }
    public int? MaxUsesPerCode { get; init; }
    public int? MaxUsesPerCustomer { get; init; }
    public int? MaxUsesPerPartner { get; init; }
    public decimal? MinimumCartValue { get; init; }
    public string? Currency { get; init; }
    public bool Stackable { get; init; }
    public bool RequireReservation { get; init; } = true;
    public Guid[] PartnerIds { get; init; } = [];

    /// <summary>Behaviour-triggered offers: a personal single-use code for every verified abandoned cart.</summary>
    public bool AbandonedCartOffers { get; init; }

    /// <summary>How long a personal offer code stays valid.</summary>
    public TimeSpan? OfferValidity { get; init; }

    /// <summary>At most one offer per customer within this time.</summary>
    public TimeSpan? OfferCooldown { get; init; }

    /// <summary>Only carts worth at least this much (in <see cref="Currency"/>, when set) get an offer.</summary>
    public decimal? OfferMinimumCartTotal { get; init; }

    /// <summary>How long after the abandonment the offer is issued (the shopper may come back by themselves first).</summary>
    public TimeSpan? OfferDelay { get; init; }

    /// <summary>Pre-generated personal codes kept ready for offers; null: each offer's code is drawn when it is issued.</summary>
    public int? OfferPoolSize { get; init; }

    /// <summary>Below this many unassigned pool codes the pool is replenished to <see cref="OfferPoolSize"/>.</summary>
    public int? OfferPoolLowWatermark { get; init; }

    /// <summary>Leaked partner codes are rotated automatically after <see cref="RotateAfterLeaks"/> flagged redemptions.</summary>
    public bool AutoRotateLeakedCodes { get; init; }

    public int? RotateAfterLeaks { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required string CreatedBy { get; init; }
}
