using System.ComponentModel.DataAnnotations;
using PartnerMesh.Coupons.Api.Codes;
using PartnerMesh.Coupons.Api.Common;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Coupons.Api.Campaigns;

/// <summary>A campaign: null limits are unlimited; <c>stackable</c> false (the default) allows one code per order.</summary>
public sealed record CreateCampaignRequest(
    [Required] string? Name,
    [Required] Guid? PromotionId,
    DateTimeOffset? StartsAt,
    DateTimeOffset? EndsAt,
    int? MaxUses,
    int? MaxUsesPerCode,
    int? MaxUsesPerCustomer,
    int? MaxUsesPerPartner,
    decimal? MinimumCartValue,
    string? Currency,
    bool? Stackable,
    bool? RequireReservation,
    Guid[]? PartnerIds,
    AbandonedCartPolicy? AbandonedCart,
    LeakPolicy? Leaks = null);

/// <summary>
/// An edit of a campaign: the editable fields replace the campaign's as at creation (a field left out takes its creation
/// default: no <c>startsAt</c>/<c>endsAt</c>, offers off without <c>abandonedCart</c>, no automatic rotation without
/// <c>leaks</c>). The fields fixed at creation — <c>promotionId</c>, the limits, <c>minimumCartValue</c>, <c>currency</c>,
/// <c>stackable</c>, <c>requireReservation</c>, <c>partnerIds</c> and the offer pool (<c>abandonedCart.poolSize</c>,
/// <c>poolLowWatermark</c>) — may be sent as read (so a campaign read can be sent back), or left out; another value is a 400
/// naming them.
/// </summary>
public sealed record UpdateCampaignRequest(
    [Required] string? Name,
    DateTimeOffset? StartsAt,
    DateTimeOffset? EndsAt,
    AbandonedCartPolicy? AbandonedCart,
    LeakPolicy? Leaks,
    Guid? PromotionId = null,
    int? MaxUses = null,
    int? MaxUsesPerCode = null,
    int? MaxUsesPerCustomer = null,
    int? MaxUsesPerPartner = null,
    decimal? MinimumCartValue = null,
    string? Currency = null,
    bool? Stackable = null,
    bool? RequireReservation = null,
    Guid[]? PartnerIds = null);

/// <summary>
/// Behaviour-triggered offers on <c>CartAbandoned</c>: a personal, single-use code valid for <c>expiresAfterHours</c>
/// (default 72), issued <c>delayMinutes</c> after the abandonment (default 0), at most one per customer per
/// <c>cooldownHours</c> (default 168) and never within the shared contact cooldown. <c>poolSize</c> keeps that many codes
/// pre-generated, replenished when fewer than <c>poolLowWatermark</c> (default a fifth of the pool) are left.
/// </summary>
public sealed record AbandonedCartPolicy(
    bool? Enabled, int? ExpiresAfterHours, int? CooldownHours, decimal? MinimumCartTotal,
    int? DelayMinutes = null, int? PoolSize = null, int? PoolLowWatermark = null);

/// <summary>Leaked partner codes: <c>autoRotate</c> replaces a code after <c>rotateAfter</c> (default 1) flagged redemptions.</summary>
public sealed record LeakPolicy(bool? AutoRotate, int? RotateAfter);

public sealed record CampaignResponse(
    Guid Id,
    string Name,
    Guid PromotionId,
    DateTimeOffset? StartsAt,
    DateTimeOffset? EndsAt,
    int? MaxUses,
    int? MaxUsesPerCode,
    int? MaxUsesPerCustomer,
    int? MaxUsesPerPartner,
    decimal? MinimumCartValue,
    string? Currency,
    bool Stackable,
    bool RequireReservation,
    IReadOnlyList<Guid> PartnerIds,
    AbandonedCartPolicy AbandonedCart,
    LeakPolicy Leaks,
    DateTimeOffset CreatedAt,
    int Version)
{
    public static CampaignResponse From(Campaign campaign) => new(
        campaign.Id, campaign.Name, campaign.PromotionId, campaign.StartsAt, campaign.EndsAt, campaign.MaxUses, campaign.MaxUsesPerCode,
        campaign.MaxUsesPerCustomer, campaign.MaxUsesPerPartner, DecimalScale.Normalize(campaign.MinimumCartValue), campaign.Currency, campaign.Stackable,
        campaign.RequireReservation, campaign.PartnerIds,
        new AbandonedCartPolicy(campaign.AbandonedCartOffers, (int?)campaign.OfferValidity?.TotalHours, (int?)campaign.OfferCooldown?.TotalHours,
            DecimalScale.Normalize(campaign.OfferMinimumCartTotal), (int?)campaign.OfferDelay?.TotalMinutes, campaign.OfferPoolSize,
            campaign.OfferPoolLowWatermark),
        new LeakPolicy(campaign.AutoRotateLeakedCodes, campaign.RotateAfterLeaks),
        campaign.CreatedAt, campaign.Version);
}

public sealed record CampaignPage(IReadOnlyList<CampaignResponse> Items, string? NextCursor);

/// <summary>A code typed by a program manager; <c>partnerId</c> makes it that partner's code, <c>maxUses</c> overrides the
/// campaign's per-code limit.</summary>
public sealed record CreateCodeRequest([Required] string? Code, Guid? PartnerId, int? MaxUses);

public sealed record CodeResponse(
    Guid Id, string Code, Guid CampaignId, Guid PromotionId, Guid? PartnerId, int? MaxUses, int Uses, string Source, string? CustomerKey,
    DateTimeOffset? ExpiresAt, DateTimeOffset CreatedAt, DateTimeOffset? RetiredAt, Guid? ReplacedById,
    DateTimeOffset? DisabledAt)
{
    public static CodeResponse From(CouponCode code, Guid promotionId, int uses) => new(
        code.Id, code.Code, code.CampaignId, promotionId, code.PartnerId, code.MaxUses, uses, code.Source, code.CustomerKey, code.ExpiresAt,
        code.CreatedAt, code.RetiredAt, code.ReplacedById, code.DisabledAt);
}

/// <summary>Rotation of a (leaked) code: <c>code</c> names the replacement; absent, one is drawn (<c>****-****</c>).</summary>
public sealed record RotateCodeRequest(string? Code);

public sealed record RotationResponse(CodeResponse Retired, CodeResponse Replacement);

/// <summary>
/// Exact and immediate (one statement, one snapshot): <c>uses</c> = <c>held</c> + <c>redeemed</c> (cancelled and fully
/// refunded redemptions gave theirs back; partially refunded ones are still redeemed). <c>leakSuspected</c>: redemptions of
/// partner codes flagged as leaked.
/// </summary>
public sealed record CampaignStats(
    Guid CampaignId, int? MaxUses, int Uses, int? Remaining, int Held, int Redeemed, int Cancelled, int Refunded, int PartiallyRefunded,
    int Released, int Codes, int LeakSuspected);
