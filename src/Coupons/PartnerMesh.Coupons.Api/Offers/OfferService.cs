using Microsoft.EntityFrameworkCore;
using PartnerMesh.Contracts.Analytics;
using PartnerMesh.Coupons.Api.Campaigns;
using PartnerMesh.Coupons.Api.Codes;
using PartnerMesh.Coupons.Api.Infrastructure;
using PartnerMesh.Outbox;

namespace PartnerMesh.Coupons.Api.Offers;

/// <summary>
/// Behaviour-triggered offers: for a verified abandoned cart, every campaign with offers enabled, running now, in the
/// cart's currency (when it has one) and above its minimum issues the customer one personal, single-use, expiring code —
/// unless it issued them one within its cooldown. A transaction-scoped advisory lock per campaign and customer makes the
/// cooldown hold when two carts of one customer arrive at once.
/// </summary>
public sealed class OfferService(CouponsDbContext db)
{
    public const string CodePrefix = "CART-";
    private static readonly CodePattern Personal = CodePattern.TryParse("**********", CodePrefix, null, out _)!;

    /// <summary>Runs inside the consumer's inbox transaction; the caller saves.</summary>
    public async Task<int> IssueForAbandonedCartAsync(CartAbandoned cart, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var customerKey = CustomerKeys.Of(cart.CustomerId, cart.Email);
        if (customerKey is null)
        {
            return 0; // an anonymous visitor cannot be reached with a personal code
        }

        var currency = cart.Currency.Trim().ToUpperInvariant();
        var campaigns = await db.Campaigns.AsNoTracking()
            .Where(campaign => campaign.AbandonedCartOffers
                && (campaign.StartsAt == null || campaign.StartsAt <= now) && (campaign.EndsAt == null || campaign.EndsAt > now)
                && (campaign.Currency == null || campaign.Currency == currency)
                && (campaign.OfferMinimumCartTotal == null || campaign.OfferMinimumCartTotal <= cart.CartTotal))
            .OrderBy(campaign => campaign.Id)
            .ToListAsync(cancellationToken);
        var issued = 0;
        foreach (var campaign in campaigns)
        {
            await db.Database.ExecuteSqlAsync(
                $"SELECT pg_advisory_xact_lock(hashtextextended({$"offer:{campaign.Id:N}:{customerKey}"}, 0))", cancellationToken);
            var since = now - (campaign.OfferCooldown ?? TimeSpan.Zero);
            var recent = await db.Codes.AnyAsync(code => code.CampaignId == campaign.Id && code.CustomerKey == customerKey
                && code.Source == CodeSources.Personal && code.CreatedAt > since, cancellationToken);
            if (recent)
            {
                continue;
            }

            var code = new CouponCode
            {
                Id = Guid.CreateVersion7(now),
                CampaignId = campaign.Id,
                Code = Personal.Next(),
                MaxUses = 1,
                Source = CodeSources.Personal,
                CustomerKey = customerKey,
                ExpiresAt = now + (campaign.OfferValidity ?? TimeSpan.FromHours(72)),
                CreatedAt = now,
            };
            db.Codes.Add(code);
            db.AddIntegrationEvent(CampaignService.Issued(code, campaign, now));
            issued++;
        }

        return issued;
    }

    /// <summary>The customer's personal codes that can still be used (unexpired, unused), newest first.</summary>
    public async Task<IReadOnlyList<OfferResponse>> FindOffersAsync(string customerKey, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var offers = await db.Codes.AsNoTracking()
            .Where(code => code.CustomerKey == customerKey && (code.ExpiresAt == null || code.ExpiresAt > now))
            .Join(db.Campaigns, code => code.CampaignId, campaign => campaign.Id, (code, campaign) => new { code, campaign.PromotionId })
            .OrderByDescending(offer => offer.code.CreatedAt)
            .ToListAsync(cancellationToken);
        var keys = offers.Select(offer => $"code:{offer.code.Id:N}").ToArray();
        var uses = await db.UsageCounters.AsNoTracking().Where(counter => keys.Contains(counter.Key))
            .ToDictionaryAsync(counter => counter.Key, counter => counter.Uses, StringComparer.Ordinal, cancellationToken);
        return [.. offers
            .Where(offer => offer.code.MaxUses is not { } max || uses.GetValueOrDefault($"code:{offer.code.Id:N}") < max)
            .Select(offer => new OfferResponse(offer.code.Code, offer.code.CampaignId, offer.PromotionId, offer.code.ExpiresAt, offer.code.CreatedAt))];
    }
}

public sealed record OfferResponse(string Code, Guid CampaignId, Guid PromotionId, DateTimeOffset? ExpiresAt, DateTimeOffset IssuedAt);

public sealed record OffersResponse(string CustomerKey, IReadOnlyList<OfferResponse> Offers);
