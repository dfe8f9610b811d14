using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerMesh.Contracts.Analytics;
using PartnerMesh.Coupons.Api.Campaigns;
using PartnerMesh.Coupons.Api.Checkout;
using PartnerMesh.Coupons.Api.Codes;
using PartnerMesh.Coupons.Api.Generation;
using PartnerMesh.Coupons.Api.Infrastructure;
using PartnerMesh.Outbox;
using PartnerMesh.Redis;
using PartnerMesh.Redis.ContactFrequency;

namespace PartnerMesh.Coupons.Api.Offers;

/// <summary>
/// Behaviour-triggered offers, in two steps. On a verified abandoned cart, every campaign with offers enabled, running now,
/// in the cart's currency (when it has one) and above its minimum gets a pending offer, due after the campaign's delay.
/// When it is due, the offer is issued — a personal, single-use, expiring code, from the campaign's pool when it has one —
/// unless the campaign issued this customer one within its cooldown, or the shopper was contacted (by any service, through
/// any channel) within the shared contact cooldown. A transaction-scoped advisory lock per campaign and customer makes the
/// campaign cooldown hold when two carts of one customer fall due at once; the shared record's claim is atomic in Redis.
/// A cart ordered after all (<c>CartRecovered</c>) loses its pending offers and gets none later, whichever of the two
/// events is consumed first.
/// </summary>
public sealed class OfferService(
    CouponsDbContext db, OfferPool pool, UsageLedger ledger, ContactFrequencyRecord contacts, CouponsMetrics metrics, GenerationSignal generationSignal,
    IOptions<CouponsOptions> options, ILogger<OfferService> logger)
{
    public const string CodePrefix = "CART-";
    public const string ContactChannel = "coupon-offer";
    private static readonly CodePattern Personal = CodePattern.TryParse(OfferPool.Pattern, CodePrefix, null, out _)!;

    /// <summary>
    /// Runs inside the consumer's inbox transaction; the caller saves. Returns the number of offers scheduled: none when the
    /// cart was already recovered (<see cref="RecordRecoveryAsync"/> ran first: the two events travel on separate queues),
    /// or when the abandonment is older than <see cref="CouponsOptions.RecoveredCartRetention"/> (a recovery that old may
    /// have been pruned already).
    /// </summary>
    public async Task<int> ScheduleForAbandonedCartAsync(CartAbandoned cart, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var customerKey = CustomerKeys.Of(cart.CustomerId, cart.Email);
        if (customerKey is null)
        {
            return 0; // an anonymous visitor cannot be reached with a personal code
        }

        if (cart.OccurredAt < now - options.Value.RecoveredCartRetention)
        {
            logger.LogInformation("No offer for cart {CartId}: abandoned at {AbandonedAt}, too long ago to act on", cart.CartId, cart.OccurredAt);
            return 0;
        }

        await LockCartAsync(cart.CartId, cancellationToken);
        var currency = cart.Currency.Trim().ToUpperInvariant();
        var campaigns = await db.Campaigns.AsNoTracking()
            .Where(campaign => campaign.AbandonedCartOffers
                && (campaign.StartsAt == null || campaign.StartsAt <= now) && (campaign.EndsAt == null || campaign.EndsAt > now)
                && (campaign.Currency == null || campaign.Currency == currency)
                && (campaign.OfferMinimumCartTotal == null || campaign.OfferMinimumCartTotal <= cart.CartTotal))
            .OrderBy(campaign => campaign.Id)
            .ToListAsync(cancellationToken);

        // Recovered at or after the cart's last activity seen by the abandonment: the order settles that abandonment, even
        // one decided (OccurredAt) before the order reached analytics.
        var recovery = await db.RecoveredCarts.AsNoTracking().SingleOrDefaultAsync(recovered => recovered.CartId == cart.CartId, cancellationToken);
        if (recovery is not null && recovery.RecoveredAt >= cart.LastActivityAt)
        {
            metrics.Offer(OfferResults.CartRecovered, campaigns.Count);
            logger.LogInformation("No offer for cart {CartId}: it was recovered at {RecoveredAt}, before its abandonment was consumed",
                cart.CartId, recovery.RecoveredAt);
            return 0;
        }

        var scheduled = 0;
        foreach (var campaign in campaigns)
        {
            // The same cart reported twice (two events) is one offer.
            scheduled += await db.Database.ExecuteSqlAsync($"""
                INSERT INTO pending_offers (id, campaign_id, cart_id, customer_key, visitor_id, customer_id, email, due_at, created_at)
                VALUES ({Guid.CreateVersion7(now)}, {campaign.Id}, {cart.CartId}, {customerKey}, {cart.VisitorId}, {cart.CustomerId},
                        {cart.Email?.Trim()}, {now + (campaign.OfferDelay ?? TimeSpan.Zero)}, {now})
                ON CONFLICT (campaign_id, cart_id) DO NOTHING
                """, cancellationToken);
        }

        return scheduled;
    }

    /// <summary>
    /// The cart was ordered after all: it is remembered as recovered (so a <c>CartAbandoned</c> consumed later schedules
    /// nothing) and its offers not yet issued are deleted (an issued one stays the shopper's). Runs inside the consumer's
    /// inbox transaction; returns the number of offers dropped. A row the scheduler is issuing right now is locked: the
    /// delete waits for it and then finds it gone (issued), never issues it twice or drops it half-way.
    /// </summary>
    public async Task<int> RecordRecoveryAsync(CartRecovered recovered, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await LockCartAsync(recovered.CartId, cancellationToken);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO recovered_carts (cart_id, recovered_at, recorded_at) VALUES ({recovered.CartId}, {recovered.OccurredAt}, {now})
            ON CONFLICT (cart_id) DO UPDATE SET recovered_at = GREATEST(recovered_carts.recovered_at, excluded.recovered_at),
                                                recorded_at = excluded.recorded_at
            """, cancellationToken);
        return await db.PendingOffers.Where(offer => offer.CartId == recovered.CartId).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>Forgets recoveries recorded longer than <see cref="CouponsOptions.RecoveredCartRetention"/> ago; an abandonment
    /// they could still settle is by then too old to get an offer anyway.</summary>
    public Task<int> PruneRecoveredCartsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var before = now - options.Value.RecoveredCartRetention;
        return db.RecoveredCarts.Where(cart => cart.RecordedAt < before).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>
    /// Serialises the two consumers of one cart until commit: without it, an abandonment and a recovery consumed at the same
    /// time could each miss the other's uncommitted row (a pending offer the recovery does not see to delete, a recovery the
    /// abandonment does not see).
    /// </summary>
    private async Task LockCartAsync(string cartId, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({$"offer-cart:{cartId}"}, 0))", cancellationToken);

    /// <summary>
    /// Issues (or drops) up to <paramref name="batchSize"/> offers due at <paramref name="now"/>, in one transaction;
    /// returns how many rows it settled. When the shared contact record is unreachable it stops and leaves the rest due.
    /// </summary>
    public async Task<int> IssueDueAsync(DateTimeOffset now, int batchSize, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var due = await db.PendingOffers.FromSql($"""
            SELECT * FROM pending_offers WHERE due_at <= {now} ORDER BY due_at LIMIT {batchSize} FOR UPDATE SKIP LOCKED
            """).AsNoTracking().ToListAsync(cancellationToken);
        if (due.Count == 0)
        {
            return 0;
        }

        // Read as they are now, under a share lock until commit: an edit (which takes the row's lock) that switched a
        // campaign's offers off or ended it either committed before (its offers are dropped, campaign_ended) or waits for
        // this batch, so none goes out after the edit answered.
        var campaignIds = due.Select(offer => offer.CampaignId).Distinct().ToArray();
        var campaigns = await db.Campaigns.FromSql($"SELECT * FROM coupon_campaigns WHERE id = ANY({campaignIds}) FOR SHARE").AsNoTracking()
            .ToDictionaryAsync(campaign => campaign.Id, cancellationToken);
        var settled = new List<Guid>(due.Count);
        var pooled = new HashSet<Guid>();
        foreach (var offer in due)
        {
            string result;
            try
            {
                result = await IssueAsync(offer, campaigns[offer.CampaignId], now, cancellationToken);
            }
            catch (Exception exception) when (RedisOutage.IsUnavailable(exception))
            {
                if (settled.Count == 0)
                {
                    throw;
                }

                break; // settle what was decided; the rest stays due for the next round
            }

            metrics.Offer(result);
            settled.Add(offer.Id);
            if (result == OfferResults.Issued && campaigns[offer.CampaignId].OfferPoolSize is not null)
            {
                pooled.Add(offer.CampaignId);
            }
        }

        var replenishing = false;
        foreach (var campaignId in pooled)
        {
            if (await pool.ReplenishIfLowAsync(campaigns[campaignId], now, cancellationToken) is not null)
            {
                metrics.PoolLow();
                replenishing = true;
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await db.PendingOffers.Where(offer => settled.Contains(offer.Id)).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (replenishing)
        {
            generationSignal.Notify();
        }

        return settled.Count;
    }

    private async Task<string> IssueAsync(PendingOffer offer, Campaign campaign, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!campaign.AbandonedCartOffers || campaign.EndsAt is { } endsAt && endsAt <= now)
        {
            return OfferResults.CampaignEnded;
        }

        // The cooldown holds for the shopper under every key (a guest's cart and the same shopper's signed-in cart).
        var customer = CustomerKeys.Identify(offer.CustomerId, offer.Email);
        string[] keys = customer.IsEmpty ? [offer.CustomerKey] : [.. customer.Keys];
        foreach (var key in keys)
        {
            await db.Database.ExecuteSqlAsync(
                $"SELECT pg_advisory_xact_lock(hashtextextended({$"offer:{campaign.Id:N}:{key}"}, 0))", cancellationToken);
        }

        var since = now - (campaign.OfferCooldown ?? TimeSpan.Zero);
        if (await db.Codes.AnyAsync(code => code.CampaignId == campaign.Id
                && (keys.Contains(code.CustomerKey!) || keys.Contains(code.CustomerEmailKey!))
                && (code.Source == CodeSources.Personal || code.Source == CodeSources.Pool) && code.AssignedAt > since, cancellationToken))
        {
            return OfferResults.CampaignCooldown;
        }

        // One contact per cart: a second campaign's offer for the same cart (or this one, retried) is the same contact.
        var claim = await contacts.TryClaimAsync(
            new ContactSubject(offer.VisitorId, offer.CustomerId, offer.Email), ContactChannel, contactId: $"cart:{offer.CartId}");
        if (!claim.Granted)
        {
            return OfferResults.ContactFrequency;
        }

        var expiresAt = now + (campaign.OfferValidity ?? TimeSpan.FromHours(72));
        // Filed under the id when known; the e-mail given with it may use the code too (CouponEligibility). Keyed as the
        // shopper is keyed now: a row scheduled before the e-mail normalisation changed carries the old key.
        var customerKey = customer.Key ?? offer.CustomerKey;
        var emailKey = customer.IdKey is null ? null : customer.EmailKey;
        var code = campaign.OfferPoolSize is null ? null : await pool.TryIssueAsync(campaign, customerKey, emailKey, expiresAt, now, cancellationToken);
        if (code is null)
        {
            if (campaign.OfferPoolSize is not null)
            {
                metrics.PoolEmpty();
            }

            code = await InsertPersonalCodeAsync(campaign, customerKey, emailKey, expiresAt, now, cancellationToken);
        }

        db.AddIntegrationEvent(CampaignService.Issued(code, campaign, now));
        return OfferResults.Issued;
    }

    /// <summary>A freshly drawn code; a draw that collides with an existing code is drawn again (never a failed transaction).</summary>
    private async Task<CouponCode> InsertPersonalCodeAsync(
        Campaign campaign, string customerKey, string? customerEmailKey, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var code = new CouponCode
            {
                Id = Guid.CreateVersion7(now),
                CampaignId = campaign.Id,
                Code = Personal.Next(),
                MaxUses = 1,
                Source = CodeSources.Personal,
                CustomerKey = customerKey,
                CustomerEmailKey = customerEmailKey,
                ExpiresAt = expiresAt,
                CreatedAt = now,
                AssignedAt = now,
            };
            var inserted = await db.Database.ExecuteSqlAsync($"""
                INSERT INTO coupon_codes (id, campaign_id, code, max_uses, source, customer_key, customer_email_key, expires_at, created_at, assigned_at)
                VALUES ({code.Id}, {code.CampaignId}, {code.Code}, 1, {code.Source}, {customerKey}, {customerEmailKey}, {expiresAt}, {now}, {now})
                ON CONFLICT (code) DO NOTHING
                """, cancellationToken);
            if (inserted == 1)
            {
                return code;
            }

            if (attempt == 10)
            {
                throw new InvalidOperationException("Could not draw a free personal code in 10 attempts.");
            }
        }
    }

    /// <summary>The customer's personal codes that can still be used (unexpired, unused), newest first.</summary>
    public async Task<IReadOnlyList<OfferResponse>> FindOffersAsync(string customerKey, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var offers = await db.Codes.AsNoTracking()
            .Where(code => (code.CustomerKey == customerKey || code.CustomerEmailKey == customerKey) && code.RetiredAt == null && (code.ExpiresAt == null || code.ExpiresAt > now))
            .Join(db.Campaigns, code => code.CampaignId, campaign => campaign.Id, (code, campaign) => new { code, campaign.PromotionId, campaign.StartsAt, campaign.EndsAt })
            // An offer of a campaign that ended (or whose start was moved later) answers expired (not_started): not usable now.
            .Where(offer => (offer.EndsAt == null || offer.EndsAt > now) && (offer.StartsAt == null || offer.StartsAt <= now))
            .OrderByDescending(offer => offer.code.AssignedAt ?? offer.code.CreatedAt)
            .ToListAsync(cancellationToken);
        // A hold past its expiry does not use the code up (validation and reservation count it the same way).
        var uses = offers.Count == 0 ? [] : await ledger.ReadLiveAsync([.. offers.Select(offer => $"code:{offer.code.Id:N}")], now, cancellationToken);
        return [.. offers
            .Where(offer => offer.code.MaxUses is not { } max || uses.GetValueOrDefault($"code:{offer.code.Id:N}") < max)
            .Select(offer => new OfferResponse(offer.code.Code, offer.code.CampaignId, offer.PromotionId, EarlierOf(offer.code.ExpiresAt, offer.EndsAt),
                offer.code.AssignedAt ?? offer.code.CreatedAt))];
    }

    /// <summary>A code is usable until its own expiry or its campaign's end, whichever comes first.</summary>
    private static DateTimeOffset? EarlierOf(DateTimeOffset? expiresAt, DateTimeOffset? endsAt) =>
        expiresAt is { } expiry && endsAt is { } end ? (expiry < end ? expiry : end) : expiresAt ?? endsAt;
}

/// <summary>What became of a due offer (the <c>result</c> tag of <c>partnermesh.coupons.offers</c>).</summary>
public static class OfferResults
{
    public const string Issued = "issued";
    public const string CampaignCooldown = "campaign_cooldown";
    public const string ContactFrequency = "contact_frequency";
    public const string CampaignEnded = "campaign_ended";

    /// <summary>Dropped before it was due: the cart was ordered after all (<c>CartRecovered</c>).</summary>
    public const string CartRecovered = "cart_recovered";
}

public sealed record OfferResponse(string Code, Guid CampaignId, Guid PromotionId, DateTimeOffset? ExpiresAt, DateTimeOffset IssuedAt);

public sealed record OffersResponse(string CustomerKey, IReadOnlyList<OfferResponse> Offers);
