namespace PartnerMesh.Coupons.Api.Campaigns;

/// <summary>
/// A coupon campaign: the promotion its codes unlock and the limits every use is counted against. Null limits are
/// unlimited. <see cref="PartnerIds"/>, when not empty, restricts the campaign to sales attributed to those partners.
/// Only the name, the validity window, the offer policy (except its pool) and the leak policy can be edited
/// (<c>PUT /api/coupons/campaigns/{id}</c>); every edit increments <see cref="Version"/>.
/// </summary>
public sealed class Campaign
{
    public required Guid Id { get; init; }
    public required string Name { get; set; }
    public required Guid PromotionId { get; init; }
    public DateTimeOffset? StartsAt { get; set; }
    public DateTimeOffset? EndsAt { get; set; }
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
    public bool AbandonedCartOffers { get; set; }

    /// <summary>How long a personal offer code stays valid.</summary>
    public TimeSpan? OfferValidity { get; set; }

    /// <summary>At most one offer per customer within this time.</summary>
    public TimeSpan? OfferCooldown { get; set; }

    /// <summary>Only carts worth at least this much (in <see cref="Currency"/>, when set) get an offer.</summary>
    public decimal? OfferMinimumCartTotal { get; set; }

    /// <summary>How long after the abandonment the offer is issued (the shopper may come back by themselves first).</summary>
    public TimeSpan? OfferDelay { get; set; }

    /// <summary>Pre-generated personal codes kept ready for offers; null: each offer's code is drawn when it is issued.</summary>
    public int? OfferPoolSize { get; init; }

    /// <summary>Below this many unassigned pool codes the pool is replenished to <see cref="OfferPoolSize"/>.</summary>
    public int? OfferPoolLowWatermark { get; init; }

    /// <summary>Leaked partner codes are rotated automatically after <see cref="RotateAfterLeaks"/> flagged redemptions.</summary>
    public bool AutoRotateLeakedCodes { get; set; }

    public int? RotateAfterLeaks { get; set; }
    /// <summary>1 at creation, incremented by every edit: the campaign's <c>ETag</c>, which an edit's <c>If-Match</c> must name.</summary>
    public int Version { get; set; } = 1;

    public required DateTimeOffset CreatedAt { get; init; }
    public required string CreatedBy { get; init; }
}
