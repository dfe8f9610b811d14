using PartnerMesh.Coupons.Api.Campaigns;
using PartnerMesh.Coupons.Api.Codes;

namespace PartnerMesh.Coupons.Api.Checkout;

/// <summary>One use to take from one counter, and the reason given when the counter is full.</summary>
public sealed record CounterClaim(string Key, int? MaxUses, string RefusalReason)
{
    /// <summary>
    /// The counters one use of <paramref name="code"/> takes, sorted by key (the order every path locks them in): the
    /// campaign and the code always (so their uses are known even without a cap), the partner when the campaign limits
    /// it, and — when it limits uses per customer — every key the shopper presents (id and e-mail: the use counts against
    /// each, so the limit holds whichever of them the shopper checks out with next).
    /// </summary>
    public static IReadOnlyList<CounterClaim> For(Campaign campaign, CouponCode code, CustomerIdentity? customer, Guid? partnerId)
    {
        var claims = new List<CounterClaim>
        {
            new(CampaignKey(campaign.Id), campaign.MaxUses, CouponReasons.Exhausted),
            new($"code:{code.Id:N}", code.MaxUses, CouponReasons.Exhausted),
        };
        if (campaign.MaxUsesPerCustomer is { } perCustomer)
        {
            claims.AddRange((customer ?? CustomerIdentity.None).Keys.Select(key => CustomerClaim(campaign, key, perCustomer)));
        }

        if (campaign.MaxUsesPerPartner is { } perPartner && partnerId is { } partner)
        {
            claims.Add(new($"partner:{campaign.Id:N}:{partner:N}", perPartner, CouponReasons.PartnerLimitReached));
        }

        return [.. claims.OrderBy(claim => claim.Key, StringComparer.Ordinal)];
    }

    public static string CampaignKey(Guid campaignId) => $"campaign:{campaignId:N}";

    public static CounterClaim CustomerClaim(Campaign campaign, string customerKey, int maxUses) =>
        new($"customer:{campaign.Id:N}:{customerKey}", maxUses, CouponReasons.CustomerLimitReached);
}
