using PartnerMesh.Contracts.Codes;
using PartnerMesh.Coupons.Api.Checkout;
using PartnerMesh.Coupons.Api.Codes;
using PartnerMesh.Data;

namespace PartnerMesh.Coupons.Api.Campaigns;

public static class CampaignRules
{
    public const int MaxLimit = 100_000_000;
    public const int MaxPartners = 1_000;
    public const int MaxPoolSize = 1_000_000;
    public const int MaxOfferDelayMinutes = 7 * 24 * 60;

    public static Dictionary<string, string[]>? Validate(CreateCampaignRequest request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        CheckName(request.Name, errors);

        if (request.PromotionId is null || request.PromotionId == Guid.Empty)
        {
            errors["promotionId"] = ["The promotion the campaign's codes unlock is required."];
        }

        // Judged as stored (whole microseconds): a window of 100-ns ticks would be stored empty.
        if (request.StartsAt is { } startsAt && request.EndsAt is { } endsAt && StorageTime.Truncate(endsAt) <= StorageTime.Truncate(startsAt))
        {
            errors["endsAt"] = ["endsAt must be after startsAt."];
        }

        CheckLimit("maxUses", request.MaxUses, errors);
        CheckLimit("maxUsesPerCode", request.MaxUsesPerCode, errors);
        CheckLimit("maxUsesPerCustomer", request.MaxUsesPerCustomer, errors);
        CheckLimit("maxUsesPerPartner", request.MaxUsesPerPartner, errors);
        if (request.MinimumCartValue is { } minimum && (minimum < 0 || minimum > CheckoutRules.MaxAmount || decimal.Round(minimum, 4) != minimum))
        {
            errors["minimumCartValue"] = [$"minimumCartValue is between 0 and {CheckoutRules.MaxAmount}, with at most 4 decimals."];
        }

        // A minimum is an amount in the campaign's currency: without one it would be compared with carts in any currency.
        if (request.Currency is { } currency
                ? !CheckoutRules.IsCurrency(currency)
                : request.MinimumCartValue is not null || request.AbandonedCart?.MinimumCartTotal is not null)
        {
            errors["currency"] = ["currency is an ISO 4217 code of three letters (required with minimumCartValue and abandonedCart.minimumCartTotal)."];
        }

        CheckoutRules.CheckPrecision("minimumCartValue", request.MinimumCartValue, request.Currency, errors);

        if (request.PartnerIds is { } partners && partners.Contains(Guid.Empty))
        {
            errors["partnerIds"] = ["partnerIds holds partner ids: the nil id 00000000-0000-0000-0000-000000000000 is no partner's."];
        }
        else if (request.PartnerIds is { Length: > MaxPartners })
        {
            errors["partnerIds"] = [$"partnerIds holds at most {MaxPartners} partner ids."];
        }

        if (request.AbandonedCart is { } policy)
        {
            if (policy.ExpiresAfterHours is < 1 or > 24 * 365)
            {
                errors["abandonedCart.expiresAfterHours"] = ["expiresAfterHours is between 1 and 8760."];
            }

            if (policy.CooldownHours is < 0 or > 24 * 365)
            {
                errors["abandonedCart.cooldownHours"] = ["cooldownHours is between 0 and 8760."];
            }

            if (policy.MinimumCartTotal is { } cartMinimum && (cartMinimum < 0 || cartMinimum > CheckoutRules.MaxAmount || decimal.Round(cartMinimum, 4) != cartMinimum))
            {
                errors["abandonedCart.minimumCartTotal"] = [$"minimumCartTotal is between 0 and {CheckoutRules.MaxAmount}, with at most 4 decimals."];
            }

            // In the campaign's currency (required with it, above): the carts it is compared with are in that currency.
            CheckoutRules.CheckPrecision("abandonedCart.minimumCartTotal", policy.MinimumCartTotal, request.Currency, errors);

            if (policy.DelayMinutes is < 0 or > MaxOfferDelayMinutes)
            {
                errors["abandonedCart.delayMinutes"] = [$"delayMinutes is between 0 and {MaxOfferDelayMinutes} (a week)."];
            }

            if (policy.PoolSize is < 1 or > MaxPoolSize)
            {
                errors["abandonedCart.poolSize"] = [$"poolSize is between 1 and {MaxPoolSize}, or absent for no pool."];
            }

            if (policy.PoolLowWatermark is { } watermark && (policy.PoolSize is not { } size || watermark < 0 || watermark >= size))
            {
                errors["abandonedCart.poolLowWatermark"] = ["poolLowWatermark needs a poolSize and is at least 0 and below it."];
            }
        }

        if (request.Leaks?.RotateAfter is < 1 or > 1_000)
        {
            errors["leaks.rotateAfter"] = ["rotateAfter is between 1 and 1000 flagged redemptions."];
        }

        return errors.Count == 0 ? null : errors;
    }

    /// <summary>
    /// An edit of <paramref name="campaign"/>: the rules of creation for the editable fields (judged with the campaign's
    /// fixed ones), and a fixed field sent with another value than the campaign's is an error naming it.
    /// </summary>
    public static Dictionary<string, string[]>? Validate(UpdateCampaignRequest request, Campaign campaign)
    {
        var errors = Validate(new CreateCampaignRequest(
            request.Name, campaign.PromotionId, request.StartsAt, request.EndsAt, campaign.MaxUses, campaign.MaxUsesPerCode, campaign.MaxUsesPerCustomer,
            campaign.MaxUsesPerPartner, campaign.MinimumCartValue, campaign.Currency, campaign.Stackable, campaign.RequireReservation, campaign.PartnerIds,
            request.AbandonedCart is { } policy ? policy with { PoolSize = campaign.OfferPoolSize, PoolLowWatermark = campaign.OfferPoolLowWatermark } : null,
            request.Leaks)) ?? new Dictionary<string, string[]>(StringComparer.Ordinal);
        var currency = request.Currency is { } sent && CheckoutRules.IsCurrency(sent) ? CheckoutRules.NormalizeCurrency(sent) : request.Currency;
        CheckFixed("promotionId", request.PromotionId, campaign.PromotionId, errors);
        CheckFixed("maxUses", request.MaxUses, campaign.MaxUses, errors);
        CheckFixed("maxUsesPerCode", request.MaxUsesPerCode, campaign.MaxUsesPerCode, errors);
        CheckFixed("maxUsesPerCustomer", request.MaxUsesPerCustomer, campaign.MaxUsesPerCustomer, errors);
        CheckFixed("maxUsesPerPartner", request.MaxUsesPerPartner, campaign.MaxUsesPerPartner, errors);
        CheckFixed("minimumCartValue", request.MinimumCartValue, campaign.MinimumCartValue, errors);
        CheckFixed("currency", currency, campaign.Currency, errors);
        CheckFixed("stackable", request.Stackable, campaign.Stackable, errors);
        CheckFixed("requireReservation", request.RequireReservation, campaign.RequireReservation, errors);
        if (request.PartnerIds is { } partnerIds && !partnerIds.Distinct().Order().SequenceEqual(campaign.PartnerIds))
        {
            errors["partnerIds"] = [FixedRule("partnerIds")];
        }

        CheckFixed("abandonedCart.poolSize", request.AbandonedCart?.PoolSize, campaign.OfferPoolSize, errors);
        CheckFixed("abandonedCart.poolLowWatermark", request.AbandonedCart?.PoolLowWatermark, campaign.OfferPoolLowWatermark, errors);
        return errors.Count == 0 ? null : errors;
    }

    private static void CheckFixed<T>(string field, T? sent, T? current, Dictionary<string, string[]> errors)
    {
        if (sent is not null && !EqualityComparer<T?>.Default.Equals(sent, current))
        {
            errors[field] = [FixedRule(field)];
        }
    }

    private static string FixedRule(string field) =>
        $"{field} cannot change once the campaign is created (send it as read, or leave it out); the editable fields are name, "
        + "startsAt, endsAt, abandonedCart (but its pool) and leaks.";

    public static Dictionary<string, string[]>? Validate(CreateCodeRequest request, out string code)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!CouponCodeFormat.TryNormalize(request.Code, out code))
        {
            errors["code"] = [CouponCodeFormat.Rule];
        }

        if (request.PartnerId == Guid.Empty)
        {
            errors["partnerId"] = ["partnerId is a partner id or absent."];
        }

        CheckLimit("maxUses", request.MaxUses, errors);
        return errors.Count == 0 ? null : errors;
    }

    /// <summary>The name rule, which an edit also checks before it reads the campaign (a body without a name is a 400 first).</summary>
    public static void CheckName(string? name, Dictionary<string, string[]> errors)
    {
        if (name is not { Length: >= 1 and <= 200 } || string.IsNullOrWhiteSpace(name))
        {
            errors["name"] = ["A name has 1 to 200 characters."];
        }
    }

    private static void CheckLimit(string field, int? value, Dictionary<string, string[]> errors)
    {
        if (value is < 1 or > MaxLimit)
        {
            errors[field] = [$"{field} is between 1 and {MaxLimit}, or absent for no limit."];
        }
    }
}
