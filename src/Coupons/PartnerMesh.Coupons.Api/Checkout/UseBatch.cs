using Microsoft.EntityFrameworkCore;
using PartnerMesh.Contracts.Coupons;
using PartnerMesh.Coupons.Api.Codes;
using PartnerMesh.Coupons.Api.Common;
using PartnerMesh.Coupons.Api.Infrastructure;
using PartnerMesh.Coupons.Api.Infrastructure.Configurations;
using PartnerMesh.Data;
using PartnerMesh.Outbox;

namespace PartnerMesh.Coupons.Api.Checkout;

/// <summary>
/// Applies a batch of <see cref="UseRequest"/>s in one transaction: the orders' advisory locks (ascending), then the
/// <c>Idempotency-Key</c>s' (ascending), then every counter the batch may touch (ascending key, once), then the codes'
/// rows (<c>FOR SHARE</c>, read afresh: a code rotated since its request was checked is <c>retired</c>, and a rotation
/// waits for this commit), then each request in arrival order against the running counters — so each gets the exact
/// answer it would have got alone, one commit after the other — then one write of the counters, the rows, their keys and
/// outbox events, and one commit. Nothing is written unless everything is.
/// </summary>
public sealed class UseBatch(CouponsDbContext db, UsageLedger ledger)
{
    /// <returns>One <see cref="CheckoutResult{T}"/> per request, in order (reservations: <see cref="ReservationResponse"/>;
    /// redemptions: <see cref="RedemptionResponse"/>).</returns>
    public async Task<object[]> CommitAsync(IReadOnlyList<UseRequest> batch, CancellationToken cancellationToken)
    {
        try
        {
            return await ApplyAsync(batch, cancellationToken);
        }
        catch (DbUpdateException exception) when (batch is [ReserveUse { Checkout: { } checkout } alone]
            && exception.IsUniqueViolation(CouponReservationConfiguration.HeldCheckoutIndex))
        {
            // The same checkout reserved the same code concurrently (another instance): the winner's reservation is the answer.
            db.ChangeTracker.Clear();
            var winner = await db.Reservations.AsNoTracking().FirstOrDefaultAsync(reservation => reservation.CheckoutId == checkout
                    && reservation.CodeId == alone.Coupon.Id && reservation.Status == ReservationStatuses.Held, cancellationToken)
                ?? throw new InvalidOperationException($"Checkout {checkout} violated uniqueness but its reservation cannot be read.");
            return [Replays.OfCheckout(winner, alone.Customer)];
        }
    }

    private async Task<object[]> ApplyAsync(IReadOnlyList<UseRequest> batch, CancellationToken cancellationToken)
    {
        var outcomes = new object[batch.Count];
        var now = batch.Max(request => request.Now);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        var orders = batch.OfType<RedeemUse>().Select(redeem => redeem.OrderId).Distinct(StringComparer.Ordinal).ToList();
        var byOrder = new Dictionary<string, List<OrderCode>>(StringComparer.Ordinal);
        if (orders.Count > 0)
        {
            await ledger.LockOrdersAsync(orders, cancellationToken);
            var earlier = await db.Redemptions.AsNoTracking().Where(redemption => orders.Contains(redemption.OrderId)).ToListAsync(cancellationToken);
            var campaignIds = earlier.Select(redemption => redemption.CampaignId).Distinct().ToList();
            var stackable = campaignIds.Count == 0 ? [] : await db.Campaigns.AsNoTracking().Where(campaign => campaignIds.Contains(campaign.Id))
                .ToDictionaryAsync(campaign => campaign.Id, campaign => campaign.Stackable, cancellationToken);
            foreach (var redemption in earlier)
            {
                OrderCodes(byOrder, redemption.OrderId).Add(new OrderCode(redemption, stackable.GetValueOrDefault(redemption.CampaignId)));
            }
        }

        var keys = await LockKeysAsync(batch, cancellationToken);
        var uses = await ledger.LockAsync(batch.SelectMany(request => request.Claims), now, cancellationToken);
        var codes = await LockCodesAsync(batch, cancellationToken);
        var changed = new Dictionary<string, int>(StringComparer.Ordinal);
        var heldHere = new Dictionary<(string Checkout, Guid CodeId), CouponReservation>();
        var checkouts = batch.OfType<ReserveUse>().Select(reserve => reserve.Checkout).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (checkouts.Count > 0)
        {
            // Every reservation of these codes locks their code counter, which this batch now holds: the held reservations
            // read here are all there are, so a checkout reserved since its request was checked is answered, not re-inserted.
            foreach (var held in await db.Reservations.AsNoTracking()
                         .Where(reservation => checkouts.Contains(reservation.CheckoutId!) && reservation.Status == ReservationStatuses.Held)
                         .ToListAsync(cancellationToken))
            {
                heldHere[(held.CheckoutId!, held.CodeId)] = held;
            }
        }
        for (var index = 0; index < batch.Count; index++)
        {
            outcomes[index] = batch[index] switch
            {
                ReserveUse reserve => Keyed(reserve, keys, () => Reserve(reserve, codes[reserve.Coupon.Id], uses, changed, heldHere), created => created.ReservationId),
                RedeemUse redeem => Keyed(redeem, keys,
                    () => Redeem(redeem, codes[redeem.Coupon.Id], OrderCodes(byOrder, redeem.OrderId), uses, changed), created => created.RedemptionId),
                var other => throw new InvalidOperationException($"Unknown use request {other.GetType().Name}."),
            };
        }

        await ledger.SetAsync(changed, now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return outcomes;
    }

    /// <summary>
    /// The batch's codes as committed now, share-locked until this transaction ends (after the counters, in the global lock
    /// order). A rotation retires a code under its row lock, so a rotation committed while the requests waited in the
    /// queue is seen here, and one that comes later waits for these uses to commit: no use is taken after a retirement.
    /// </summary>
    private async Task<Dictionary<Guid, CouponCode>> LockCodesAsync(IReadOnlyList<UseRequest> batch, CancellationToken cancellationToken)
    {
        var ids = batch.Select(request => request.Coupon.Id).Distinct().ToArray();
        var codes = await db.Codes.FromSql($"SELECT * FROM coupon_codes WHERE id = ANY({ids}) ORDER BY id FOR SHARE")
            .AsNoTracking().ToListAsync(cancellationToken);
        return codes.ToDictionary(code => code.Id);
    }

    /// <summary>
    /// Locks the batch's <c>Idempotency-Key</c>s (no other transaction can record them until this one ends) and reads what
    /// the committed ones created: the answers a retry gets.
    /// </summary>
    private async Task<Dictionary<(string Operation, string Key), KeyedAnswer>> LockKeysAsync(IReadOnlyList<UseRequest> batch, CancellationToken cancellationToken)
    {
        var answers = new Dictionary<(string Operation, string Key), KeyedAnswer>();
        List<IdempotencyClaim> claims = [.. batch.Select(request => request.Idempotency).OfType<IdempotencyClaim>()];
        if (claims.Count == 0)
        {
            return answers;
        }

        await db.LockAsync(claims, cancellationToken);
        var records = await db.FindAsync(claims, cancellationToken);
        if (records.Count == 0)
        {
            return answers;
        }

        List<Guid> reserved = [.. records.Where(record => record.Operation == IdempotentOperations.Reserve).Select(record => record.ResourceId)];
        List<Guid> redeemed = [.. records.Where(record => record.Operation == IdempotentOperations.Redeem).Select(record => record.ResourceId)];
        var created = new Dictionary<Guid, object>();
        foreach (var reservation in reserved.Count == 0 ? [] : await db.Reservations.AsNoTracking()
                     .Where(reservation => reserved.Contains(reservation.Id)).ToListAsync(cancellationToken))
        {
            created[reservation.Id] = ReservationResponse.From(reservation);
        }

        foreach (var redemption in redeemed.Count == 0 ? [] : await db.Redemptions.AsNoTracking()
                     .Where(redemption => redeemed.Contains(redemption.Id)).ToListAsync(cancellationToken))
        {
            created[redemption.Id] = RedemptionResponse.From(redemption);
        }

        foreach (var record in records)
        {
            answers[(record.Operation, record.Key)] = new KeyedAnswer(record.Fingerprint, created[record.ResourceId]);
        }

        return answers;
    }

    /// <summary>
    /// A request with a key already recorded (committed, or earlier in this batch) gets what that key created, or a
    /// refusal when it says something else; otherwise it is applied, and the key recorded when it created something.
    /// </summary>
    private CheckoutResult<T> Keyed<T>(
        UseRequest request, Dictionary<(string Operation, string Key), KeyedAnswer> answers, Func<CheckoutResult<T>> apply, Func<T, Guid> idOf)
        where T : class
    {
        if (request.Idempotency is not { } claim)
        {
            return apply();
        }

        if (answers.TryGetValue((claim.Operation, claim.Key), out var earlier))
        {
            return earlier.Fingerprint == claim.Fingerprint ? CheckoutResult.KeyReplayed((T)earlier.Response) : CheckoutResult.KeyReused<T>();
        }

        var result = apply();
        if (result is { Outcome: CheckoutOutcome.Done, Value: { } created })
        {
            db.IdempotencyKeys.Add(claim.Record(idOf(created), request.Now));
            answers[(claim.Operation, claim.Key)] = new KeyedAnswer(claim.Fingerprint, created);
        }

        return result;
    }

    /// <param name="coupon">The code as committed now (<see cref="LockCodesAsync"/>).</param>
    private CheckoutResult<ReservationResponse> Reserve(
        ReserveUse request, CouponCode coupon, Dictionary<string, int> uses, Dictionary<string, int> changed,
        Dictionary<(string, Guid), CouponReservation> heldHere)
    {
        var (campaign, now) = (request.Campaign, request.Now);
        if (request.Checkout is { } checkoutId && heldHere.TryGetValue((checkoutId, coupon.Id), out var first) && first.ExpiresAt > now)
        {
            return Replays.OfCheckout(first, request.Customer);
        }

        if (CouponEligibility.Check(campaign, coupon, request.Customer, request.Partner, request.CartTotal, request.Currency, now, request.PartnerStatus) is { } refusal)
        {
            return CheckoutResult.Conflict<ReservationResponse>(refusal.Reason, refusal.Detail);
        }

        if (Take(request.Claims, uses, changed) is { } full)
        {
            return CheckoutResult.Conflict<ReservationResponse>(full.RefusalReason, CouponEligibility.DetailFor(full));
        }

        var reservation = new CouponReservation
        {
            Id = Guid.CreateVersion7(now),
            CodeId = coupon.Id,
            CampaignId = campaign.Id,
            PromotionId = campaign.PromotionId,
            Code = coupon.Code,
            CheckoutId = request.Checkout,
            CustomerKey = request.Customer.Key,
            PartnerId = request.Partner,
            TrafficPartnerId = request.TrafficPartner,
            CartTotal = request.CartTotal,
            Currency = request.Currency,
            Status = ReservationStatuses.Held,
            CreatedAt = now,
            ExpiresAt = now.AddSeconds(request.TtlSeconds),
            CounterKeys = [.. request.Claims.Select(claim => claim.Key)],
        };
        db.Reservations.Add(reservation);
        db.AddIntegrationEvent(new CouponReserved
        {
            EventId = Guid.CreateVersion7(now),
            OccurredAt = now,
            ReservationId = reservation.Id,
            CodeId = coupon.Id,
            Code = coupon.Code,
            CampaignId = campaign.Id,
            PromotionId = campaign.PromotionId,
            ExpiresAt = reservation.ExpiresAt,
            CheckoutId = request.Checkout,
            PartnerId = request.Partner,
            CustomerKey = request.Customer.Key,
        });
        if (request.Checkout is { } checkout)
        {
            heldHere[(checkout, coupon.Id)] = reservation;
        }

        return CheckoutResult.Done(ReservationResponse.From(reservation));
    }

    /// <summary>The same decisions, in the same order, as a redemption without a reservation made on its own.</summary>
    /// <param name="coupon">The code as committed now (<see cref="LockCodesAsync"/>).</param>
    private CheckoutResult<RedemptionResponse> Redeem(
        RedeemUse request, CouponCode coupon, List<OrderCode> orderCodes, Dictionary<string, int> uses, Dictionary<string, int> changed)
    {
        var (campaign, now, orderId) = (request.Campaign, request.Now, request.OrderId);
        if (orderCodes.FirstOrDefault(earlier => earlier.Redemption.CodeId == coupon.Id) is { } replay)
        {
            return Replays.OfOrder(replay.Redemption, request.Customer, request.OrderTotal, request.Currency, reservationId: null);
        }

        if (Replays.OfOtherCodes(orderId, [.. orderCodes.Select(earlier => earlier.Redemption)], request.Customer, request.OrderTotal, request.Currency) is { } refused)
        {
            return refused;
        }

        var others = orderCodes.Where(earlier => earlier.Redemption.Status == RedemptionStatuses.Redeemed).ToList();
        if (others.Count > 0 && (!campaign.Stackable || !others.All(other => other.Stackable)))
        {
            return CheckoutResult.Conflict<RedemptionResponse>(CouponReasons.OneCodePerOrder,
                $"Order {orderId} already redeemed another code, and one of the two campaigns allows one code per order.");
        }

        if (CouponEligibility.Check(campaign, coupon, request.Customer, request.Partner, request.CartTotal ?? request.OrderTotal, request.Currency, now,
            request.PartnerStatus) is { } refusal)
        {
            return CheckoutResult.Conflict<RedemptionResponse>(refusal.Reason, refusal.Detail);
        }

        if (Take(request.Claims, uses, changed) is { } full)
        {
            return CheckoutResult.Conflict<RedemptionResponse>(full.RefusalReason, CouponEligibility.DetailFor(full));
        }

        var redemption = new CouponRedemption
        {
            Id = Guid.CreateVersion7(now),
            OrderId = orderId,
            CodeId = coupon.Id,
            CampaignId = campaign.Id,
            PromotionId = campaign.PromotionId,
            Code = coupon.Code,
            CustomerKey = request.Customer.Key,
            PartnerId = request.Partner,
            TrafficPartnerId = request.TrafficPartner,
            OrderTotal = request.OrderTotal,
            Currency = request.Currency,
            RefundedAmount = Replays.RefundedOf(orderCodes.Select(earlier => earlier.Redemption)),
            Status = RedemptionStatuses.Redeemed,
            RedeemedAt = now,
            CounterKeys = [.. request.Claims.Select(claim => claim.Key)],
            LeakReason = request.Leak,
            Referrer = request.Referrer,
        };
        db.Redemptions.Add(redemption);
        orderCodes.Add(new OrderCode(redemption, campaign.Stackable));
        if (request.Leak is { } leak)
        {
            db.AddIntegrationEvent(new CouponLeakSuspected
            {
                EventId = Guid.CreateVersion7(now),
                OccurredAt = now,
                RedemptionId = redemption.Id,
                OrderId = orderId,
                CodeId = coupon.Id,
                Code = coupon.Code,
                CampaignId = campaign.Id,
                PartnerId = coupon.PartnerId!.Value,
                Reason = leak,
                TrafficPartnerId = request.TrafficPartner,
                Referrer = request.Referrer,
            });
        }

        db.AddIntegrationEvent(new CouponRedeemed
        {
            EventId = Guid.CreateVersion7(now),
            OccurredAt = now,
            RedemptionId = redemption.Id,
            OrderId = orderId,
            CodeId = coupon.Id,
            Code = coupon.Code,
            CampaignId = campaign.Id,
            PromotionId = campaign.PromotionId,
            OrderTotal = request.OrderTotal,
            Currency = request.Currency,
            PartnerId = request.Partner,
            TrafficPartnerId = request.TrafficPartner,
            CodePartnerId = coupon.PartnerId,
            CustomerKey = request.Customer.Key,
        });
        return CheckoutResult.Done(RedemptionResponse.From(redemption));
    }

    /// <summary>Takes one use of every claim from the locked counters, or none: the first full claim (in key order) is returned.</summary>
    private static CounterClaim? Take(IReadOnlyList<CounterClaim> claims, Dictionary<string, int> uses, Dictionary<string, int> changed)
    {
        if (claims.FirstOrDefault(claim => claim.MaxUses is { } max && uses[claim.Key] + 1 > max) is { } full)
        {
            return full;
        }

        foreach (var claim in claims)
        {
            changed[claim.Key] = uses[claim.Key] += 1;
        }

        return null;
    }

    private static List<OrderCode> OrderCodes(Dictionary<string, List<OrderCode>> byOrder, string orderId) =>
        byOrder.TryGetValue(orderId, out var codes) ? codes : byOrder[orderId] = [];

    /// <summary>What a recorded key created (a <see cref="ReservationResponse"/> or <see cref="RedemptionResponse"/>) and the request it came with.</summary>
    private sealed record KeyedAnswer(string Fingerprint, object Response);

    /// <summary>A code the order already redeemed (committed, or earlier in this batch) and whether its campaign stacks.</summary>
    private sealed record OrderCode(CouponRedemption Redemption, bool Stackable);
}
