using PartnerMesh.Coupons.Api.Campaigns;
using PartnerMesh.Coupons.Api.Codes;
using PartnerMesh.Coupons.Api.Common;
using PartnerMesh.PartnerDirectory;

namespace PartnerMesh.Coupons.Api.Checkout;

/// <summary>
/// The checks that need no counter, in the order their reasons are reported: the code's owner, whether it is retired or
/// disabled, whether its partner is active, the validity window,
/// the partner restriction, the currency and minimum cart value, and whether a per-customer limit can identify the shopper.
/// A partner-assigned code attributes to its partner and is valid whoever's traffic brought the shopper; only a
/// campaign restricted to partners (<see cref="Campaign.PartnerIds"/>) answers <c>not_for_partner</c>.
/// A use the shopper already has (<c>ownUse</c>: the checkout's live hold of the code, or the order's redemption of it) was
/// judged when it was taken: what may have changed since — a rotation, the partner's standing, the validity window —
/// does not refuse it, as it does not refuse the redemption of that hold.
/// </summary>
public static class CouponEligibility
{
    /// <param name="partnerStatus">The code's partner's status (<see cref="CodeDefinition.PartnerStatus"/>); null: active.</param>
    /// <param name="ownUse">The request's checkout holds a live reservation of the code, or its order redeemed it.</param>
    public static CouponRefusal? Check(
        Campaign campaign, CouponCode code, CustomerIdentity customer, Guid? attributedPartner, decimal? total, string? currency, DateTimeOffset now,
        string? partnerStatus, bool ownUse = false)
    {
        // A personal code is the shopper's under any key it was issued to (an offer to an e-mail is usable signed in with
        // that e-mail, and one to a customer id by the guest giving the e-mail recorded with it).
        if (code.CustomerKey is not null && !customer.Has(code.CustomerKey) && !customer.Has(code.CustomerEmailKey))
        {
            return new(CouponReasons.NotForCustomer, "This code was issued to another customer.");
        }

        if (!ownUse && code.RetiredAt is { } retiredAt)
        {
            return new(CouponReasons.Retired, $"The code was replaced at {retiredAt:O}; its partner has a new one.");
        }

        if (code.DisabledAt is { } disabledAt)
        {
            return new(CouponReasons.Disabled, $"The code was disabled at {disabledAt:O}: the generation job that made it was cancelled.");
        }

        // A suspended partner's code gives neither its pricing nor its commission; a reservation taken before is honoured.
        if (!ownUse && code.PartnerId is { } owner && partnerStatus is { } status && status != PartnerStanding.Active)
        {
            return new(CouponReasons.PartnerInactive, $"The code's partner {owner} is {status}: its codes cannot be used until it is active again.");
        }

        if (!ownUse && campaign.StartsAt is { } startsAt && now < startsAt)
        {
            return new(CouponReasons.NotStarted, $"The campaign starts at {startsAt:O}.");
        }

        if (!ownUse && campaign.EndsAt is { } endsAt && now >= endsAt)
        {
            return new(CouponReasons.Expired, $"The campaign ended at {endsAt:O}.");
        }

        if (!ownUse && code.ExpiresAt is { } expiresAt && now >= expiresAt)
        {
            return new(CouponReasons.Expired, $"The code expired at {expiresAt:O}.");
        }

        if (campaign.PartnerIds.Length > 0 && (attributedPartner is not { } partner || !campaign.PartnerIds.Contains(partner)))
        {
            return new(CouponReasons.NotForPartner, "The campaign is reserved for the traffic of particular partners.");
        }

        if (campaign.Currency is { } campaignCurrency && currency is not null && !string.Equals(campaignCurrency, currency, StringComparison.Ordinal))
        {
            return new(CouponReasons.CurrencyMismatch, $"The campaign applies to carts in {campaignCurrency}, not {currency}.");
        }

        if (campaign.MinimumCartValue is { } minimum && (total is not { } amount || amount < minimum))
        {
            return new(CouponReasons.MinimumNotMet,
                $"The cart must reach {Amounts.Format(minimum, campaign.Currency)}"
                + $"{(total is { } given ? $"; it is {Amounts.Format(given, currency ?? campaign.Currency)}" : "; no cart total was given")}.");
        }

        if (campaign.MaxUsesPerCustomer is not null && customer.IsEmpty)
        {
            return new(CouponReasons.CustomerLimitReached, "The campaign limits uses per customer: a customer id or e-mail is required.");
        }

        return null;
    }

    public static string DetailFor(CounterClaim claim) => claim.RefusalReason switch
    {
        CouponReasons.CustomerLimitReached =>
            $"This customer's {claim.MaxUses} use(s) of the campaign are taken, open reservations (held, not yet redeemed) included.",
        CouponReasons.PartnerLimitReached => $"The campaign's {claim.MaxUses} use(s) for this partner are taken, open reservations included.",
        _ => claim.Key.StartsWith("code:", StringComparison.Ordinal)
            ? $"The code's {claim.MaxUses} use(s) are taken, open reservations included."
            : $"The campaign's {claim.MaxUses} use(s) are taken, open reservations included.",
    };
}

public sealed record CouponRefusal(string Reason, string Detail);
