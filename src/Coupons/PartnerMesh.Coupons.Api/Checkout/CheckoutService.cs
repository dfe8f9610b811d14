using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerMesh.Contracts.Coupons;
using PartnerMesh.Coupons.Api.Campaigns;
using PartnerMesh.Coupons.Api.Codes;
using PartnerMesh.Coupons.Api.Common;
using PartnerMesh.Coupons.Api.Infrastructure;
using PartnerMesh.Coupons.Api.Infrastructure.Configurations;
using PartnerMesh.Data;
using PartnerMesh.Outbox;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Coupons.Api.Checkout;

/// <summary>
/// Validate → reserve → redeem → release/cancel/refund. Uses are counted in <c>coupon_counters</c> (see
/// <see cref="UsageLedger"/>): a reservation takes one use from each of its counters, a redemption consumes its
/// reservation (or, on campaigns that allow it, takes the uses itself), and every compensation gives exactly those
/// uses back once, guarded by the row's status. Locks are always taken in one order: the order (a transaction-scoped
/// advisory lock on the order id), then the request's <c>Idempotency-Key</c> (an advisory lock, or its row for refunds),
/// then the reservation or redemption rows, then counters by ascending key. Every call uses the database only while it
/// holds a slot of the <see cref="CheckoutGate"/>, and holds none while it waits for a group commit.
/// </summary>
public sealed class CheckoutService(
    CouponsDbContext db, UsageLedger ledger, CodeRotation rotation, UseLanes lanes, CodeDefinitionCache codeCache,
    CodeChangeNotifier codeChanges, CheckoutGate gate, TimeProvider timeProvider, IOptions<CouponsOptions> options,
    CouponsMetrics metrics)
{
    /// <summary>Advisory: reads the code from the cache (<see cref="CodeDefinitionCache"/>) and the counters from PostgreSQL;
    /// reservations and redemptions decide.</summary>
    public async Task<CouponValidationResponse> ValidateAsync(ValidateCouponRequest request, string code, CancellationToken cancellationToken)
    {
        using var slot = await gate.EnterAsync(cancellationToken);
        if (await FindCachedAsync(code, cancellationToken) is not { } found)
        {
            metrics.Validated(CouponReasons.Unknown);
            return new CouponValidationResponse(false, code, null, null, null, null, CouponReasons.Unknown, "No such code.");
        }

        var (coupon, campaign) = (found.Code, found.Campaign);
        var customer = CustomerKeys.Identify(request.Customer?.Id, request.Customer?.Email);
        var partner = coupon.PartnerId ?? request.PartnerId;
        var currency = request.Currency is null ? null : CheckoutRules.NormalizeCurrency(request.Currency);
        var now = Clock.Now(timeProvider);
        // A preview (at) judges the validity window then; the counters are read as they stand now.
        var refusal = CouponEligibility.Check(campaign, coupon, customer, partner, request.CartTotal, currency, request.At ?? now, found.PartnerStatus);
        // The checkout's own live hold of the code (or the order's own redemption) is judged as its redemption is: an end, a
        // rotation or a suspended partner since it was taken does not refuse it, so the order it is for is no mismatch.
        string[]? ownUse = null;
        if (refusal is not null
            && CouponEligibility.Check(campaign, coupon, customer, partner, request.CartTotal, currency, request.At ?? now, found.PartnerStatus, ownUse: true)
                is var forOwnUse && forOwnUse != refusal
            && await OwnUseAsync(request, coupon.Id, customer, now, cancellationToken) is { } own)
        {
            (refusal, ownUse) = (forOwnUse, own);
        }

        if (refusal is null)
        {
            var claims = CounterClaim.For(campaign, coupon, customer, partner);
            // Holds past their expiry are not uses (a reservation gives them back before it refuses): a limit that looks
            // full is read again without them, and without the live hold of the checkout the validation is for (the
            // shopper's own use, which its order will consume) or the redemption of the order it is for (that use is the
            // order's own). A limit with room needs no second look: leaving holds out only adds room.
            if (FirstFull(claims, await ledger.ReadAsync(claims, cancellationToken)) is not null
                && FirstFull(claims, WithoutUse(await ledger.ReadLiveAsync([.. claims.Select(claim => claim.Key)], now, cancellationToken),
                    ownUse ?? await OwnUseAsync(request, coupon.Id, customer, now, cancellationToken))) is { } full)
            {
                refusal = new CouponRefusal(full.RefusalReason, CouponEligibility.DetailFor(full));
            }
        }

        metrics.Validated(refusal?.Reason);
        return new CouponValidationResponse(
            refusal is null, coupon.Code, campaign.Id, campaign.PromotionId, coupon.PartnerId, campaign.Stackable, refusal?.Reason, refusal?.Detail);
    }

    /// <param name="idempotency">The request's <c>Idempotency-Key</c>: a retry gets the reservation the key created and takes no second use.</param>
    public async Task<CheckoutResult<ReservationResponse>> ReserveAsync(
        ReserveCouponRequest request, string code, IdempotencyClaim? idempotency, CancellationToken cancellationToken)
    {
        var result = await ReserveCoreAsync(request, code, idempotency, cancellationToken);
        metrics.Reserved(Result(result));
        return result;
    }

    /// <param name="idempotency">The request's <c>Idempotency-Key</c>: a retry gets the redemption the key created; the key with
    /// another request (another order, say) is refused.</param>
    public async Task<CheckoutResult<RedemptionResponse>> RedeemAsync(
        RedeemCouponRequest request, string code, IdempotencyClaim? idempotency, CancellationToken cancellationToken)
    {
        var result = await RedeemCoreAsync(request, code, idempotency, cancellationToken);
        metrics.Redeemed(Result(result));
        if (result is { Outcome: CheckoutOutcome.Done, Value.LeakSuspected: { } leak })
        {
            metrics.LeakFlagged(leak);
        }

        return result;
    }

    private async Task<CheckoutResult<ReservationResponse>> ReserveCoreAsync(
        ReserveCouponRequest request, string code, IdempotencyClaim? idempotency, CancellationToken cancellationToken)
    {
        using var slot = await gate.EnterAsync(cancellationToken);
        // Before anything that the first attempt may have changed (its use can be the code's last).
        if (await KeyedAnswerAsync(idempotency, ReservationAnswerAsync, cancellationToken) is { } keyed)
        {
            return keyed;
        }

        if (await FindAsync(code, cancellationToken) is not { } found)
        {
            return CheckoutResult.Conflict<ReservationResponse>(CouponReasons.Unknown, "No such code.");
        }

        var (coupon, campaign) = (found.Code, found.Campaign);
        var customer = CustomerKeys.Identify(request.Customer?.Id, request.Customer?.Email);
        var partner = coupon.PartnerId ?? request.PartnerId;
        var currency = CheckoutRules.NormalizeCurrency(request.Currency!);
        var checkout = request.Checkout;
        var now = Clock.Now(timeProvider);
        var checkoutHold = checkout is null ? null : await FindHeldAsync(checkout, coupon.Id, cancellationToken);
        // The checkout's own live hold still redeems after an end, a rotation or a suspended partner: a retry gets it back.
        var ownHold = checkoutHold is { } live && live.ExpiresAt > now && IsShoppers(live, customer);
        if (CouponEligibility.Check(campaign, coupon, customer, partner, request.CartTotal, currency, now, found.PartnerStatus, ownHold) is { } refusal)
        {
            return CheckoutResult.Conflict<ReservationResponse>(refusal.Reason, refusal.Detail);
        }

        if (checkoutHold is { } held && held.ExpiresAt > now)
        {
            // An attempt with the same key may have committed since the key was read: then the key answers.
            return await KeyedAnswerAsync(idempotency, ReservationAnswerAsync, cancellationToken) ?? Replays.OfCheckout(held, customer);
        }

        var claims = CounterClaim.For(campaign, coupon, customer, partner);
        if (checkoutHold is not null)
        {
            await FullAfterExpiredHoldsAsync(claims, cancellationToken); // this checkout's expired hold goes back before a new one is taken
        }

        // A limit already full in the committed counters refuses without taking a lock on a counter (a storm on an exhausted
        // code then costs a few reads each, not a wait on the counter row); only the group commit, on locked counters, grants
        // a use. The refusal is decided on counters read after the expired holds of these limits are given back.
        if (FirstFull(claims, await ledger.ReadAsync(claims, cancellationToken)) is not null
            && await FullAfterExpiredHoldsAsync(claims, cancellationToken) is { } fullNow)
        {
            // The use that filled the limit may be this key's, committed since the key was read.
            return await KeyedAnswerAsync(idempotency, ReservationAnswerAsync, cancellationToken)
                ?? CheckoutResult.Conflict<ReservationResponse>(fullNow.RefusalReason, CouponEligibility.DetailFor(fullNow));
        }

        var use = new ReserveUse(coupon, campaign, claims, now, checkout, customer, partner, request.PartnerId, request.CartTotal!.Value, currency,
            request.TtlSeconds ?? CheckoutRules.DefaultTtlSeconds) { Idempotency = idempotency, PartnerStatus = found.PartnerStatus };
        slot.Dispose(); // the lane's worker uses the database for the whole batch
        for (var attempt = 0; ; attempt++)
        {
            var result = await lanes.SubmitAsync<ReservationResponse>(use, cancellationToken);
            // Reservations past their expiry still count until they are given back: do it now, then try again while the
            // counters, read after that, have room.
            if (attempt < 2 && result.Reason is CouponReasons.Exhausted or CouponReasons.CustomerLimitReached or CouponReasons.PartnerLimitReached)
            {
                using (await gate.EnterAsync(cancellationToken))
                {
                    if (await FullAfterExpiredHoldsAsync(claims, cancellationToken) is null)
                    {
                        continue;
                    }
                }
            }

            return result;
        }
    }

    private async Task<CheckoutResult<RedemptionResponse>> RedeemCoreAsync(
        RedeemCouponRequest request, string code, IdempotencyClaim? idempotency, CancellationToken cancellationToken)
    {
        using var slot = await gate.EnterAsync(cancellationToken);
        if (await KeyedAnswerAsync(idempotency, RedemptionAnswerAsync, cancellationToken) is { } keyed)
        {
            return keyed;
        }

        var orderId = request.OrderId!;
        if (await FindAsync(code, cancellationToken) is not { } found)
        {
            return CheckoutResult.Conflict<RedemptionResponse>(CouponReasons.Unknown, "No such code.");
        }

        var (coupon, campaign) = (found.Code, found.Campaign);
        var customer = CustomerKeys.Identify(request.Customer?.Id, request.Customer?.Email);
        var customerKey = customer.Key;
        var currency = CheckoutRules.NormalizeCurrency(request.Currency!);
        var total = request.OrderTotal!.Value;
        // The minimum cart value is checked against the cart total when the storefront states it (the base of validation and
        // reservation), otherwise against the order total.
        var minimumBase = request.CartTotal ?? total;
        var now = Clock.Now(timeProvider);
        var referrer = request.Referrer?.Trim() is { Length: > 0 } trimmed ? trimmed : null;
        if (request.ReservationId is null && !campaign.RequireReservation)
        {
            var leaked = LeakDetector.Check(coupon.PartnerId, request.PartnerId, referrer, [.. options.Value.CouponSiteDomains]);
            // A leaked redemption that may rotate the code takes the code's row lock: it runs on its own, below.
            if (leaked is null || !campaign.AutoRotateLeakedCodes || coupon.RetiredAt is not null)
            {
                var partnerOfSale = coupon.PartnerId ?? request.PartnerId;
                slot.Dispose(); // the lane's worker uses the database for the whole batch
                return await lanes.SubmitAsync<RedemptionResponse>(new RedeemUse(coupon, campaign, CounterClaim.For(campaign, coupon, customer, partnerOfSale),
                    now, orderId, customer, partnerOfSale, request.PartnerId, total, currency, referrer, leaked)
                {
                    Idempotency = idempotency, CartTotal = request.CartTotal, PartnerStatus = found.PartnerStatus,
                }, cancellationToken);
            }
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await LockOrderAsync(orderId, cancellationToken);
        if (idempotency is not null)
        {
            await db.LockAsync([idempotency], cancellationToken);
            if (await KeyedAnswerAsync(idempotency, RedemptionAnswerAsync, cancellationToken) is { } keyedNow)
            {
                await transaction.RollbackAsync(cancellationToken);
                return keyedNow;
            }
        }

        // Under the order's lock: what the order already redeemed decides first (a replay of this code; another code with
        // other facts, or under an order whose uses were given back; one code per order).
        var existing = await db.Redemptions.AsNoTracking().Where(redemption => redemption.OrderId == orderId).ToListAsync(cancellationToken);
        var earlier = existing.FirstOrDefault(redemption => redemption.CodeId == coupon.Id);
        var orderAnswer = earlier is not null
            ? Replays.OfOrder(earlier, customer, total, currency, request.ReservationId)
            : Replays.OfOtherCodes(orderId, existing, customer, total, currency) ?? await OneCodePerOrderAsync(orderId, campaign, existing, cancellationToken);
        if (orderAnswer is not null)
        {
            // A reservation this order cannot consume (it redeemed the code with another, or refuses the code) is given back.
            if (request.ReservationId is { } brought && brought != earlier?.ReservationId
                && await ReleaseStrayAsync(brought, coupon.Id, customer, now, cancellationToken) is { } releasedAs)
            {
                await transaction.CommitAsync(cancellationToken);
                metrics.GivenBack(releasedAs, 1);
            }
            else
            {
                await transaction.RollbackAsync(cancellationToken);
            }

            return orderAnswer;
        }

        string[] counterKeys;
        Guid? partner;
        Guid? trafficPartner = request.PartnerId;
        Guid? reservationId = null;
        if (request.ReservationId is { } requested)
        {
            var reservation = await db.Reservations.FromSql($"SELECT * FROM coupon_reservations WHERE id = {requested} FOR UPDATE")
                .SingleOrDefaultAsync(cancellationToken);
            var refusal = reservation is null || reservation.CodeId != coupon.Id
                ? (StatusCodes.Status422UnprocessableEntity, reservation is null ? CouponReasons.ReservationNotFound : CouponReasons.ReservationMismatch,
                    reservation is null ? $"No reservation {requested} exists." : $"Reservation {requested} holds another code.")
                : !customer.IsEmpty && reservation.CustomerKey is not null && !customer.Has(reservation.CustomerKey)
                    ? (StatusCodes.Status422UnprocessableEntity, CouponReasons.ReservationMismatch, $"Reservation {requested} was made for another customer.")
                // The reservation's traffic is the sale's (its limits were counted for it): a redemption naming another is refused.
                : request.PartnerId is { } named && named != reservation.TrafficPartnerId
                    ? (StatusCodes.Status422UnprocessableEntity, CouponReasons.ReservationMismatch,
                        $"Reservation {requested} was made for {(reservation.TrafficPartnerId is { } traffic ? $"partner {traffic}'s traffic" : "traffic of no partner")}, not partner {named}'s.")
                : reservation.Status == ReservationStatuses.Consumed
                    ? (StatusCodes.Status409Conflict, CouponReasons.ReservationUsed, $"Reservation {requested} was redeemed by order {reservation.OrderId}.")
                : reservation.Status == ReservationStatuses.Released
                    ? (StatusCodes.Status409Conflict, reservation.SettledAt >= reservation.ExpiresAt ? CouponReasons.ReservationExpired : CouponReasons.ReservationReleased,
                        $"Reservation {requested} was given back at {reservation.SettledAt:O}; reserve again.")
                : reservation.ExpiresAt <= now
                    ? (StatusCodes.Status409Conflict, CouponReasons.ReservationExpired, $"Reservation {requested} expired at {reservation.ExpiresAt:O}; reserve again.")
                : campaign.Currency is { } campaignCurrency && campaignCurrency != currency
                    ? (StatusCodes.Status409Conflict, CouponReasons.CurrencyMismatch, $"The campaign applies to orders in {campaignCurrency}, not {currency}.")
                : campaign.MinimumCartValue is { } minimum && minimumBase < minimum
                    ? (StatusCodes.Status409Conflict, CouponReasons.MinimumNotMet,
                        $"The {(request.CartTotal is null ? "order" : "cart")} must reach {Amounts.Format(minimum, campaign.Currency)}; it is {Amounts.Format(minimumBase, currency)}.")
                : default((int, string, string)?);
            if (refusal is { } refused)
            {
                if (refused.Item2 == CouponReasons.ReservationExpired && reservation!.Status == ReservationStatuses.Held)
                {
                    // Give the expired hold back now rather than at the next sweep.
                    await ReleaseAsync([reservation!], "expired", now, cancellationToken);
                    await db.SaveChangesAsync(cancellationToken);
                    await transaction.CommitAsync(cancellationToken);
                    metrics.GivenBack("expired", 1);
                }
                else
                {
                    await transaction.RollbackAsync(cancellationToken);
                }

                return CheckoutResult.Refused<RedemptionResponse>(refused.Item1, refused.Item2, refused.Item3);
            }

            // The use was taken at checkout under the keys the shopper gave then; it also counts against any key the shopper
            // presents now (a guest who signed in to pay), and a key whose limit is already reached refuses the redemption.
            List<CounterClaim> keysNow = campaign.MaxUsesPerCustomer is { } perCustomer
                ? [.. customer.Keys.Select(key => CounterClaim.CustomerClaim(campaign, key, perCustomer))
                    .Where(claim => !reservation!.CounterKeys.Contains(claim.Key, StringComparer.Ordinal))]
                : [];
            if (keysNow.Count > 0 && await ledger.TakeAsync(keysNow, now, cancellationToken) is { } fullNow)
            {
                await transaction.RollbackAsync(cancellationToken);
                return CheckoutResult.Conflict<RedemptionResponse>(fullNow.RefusalReason, CouponEligibility.DetailFor(fullNow));
            }

            // A held reservation survives a rotation, not a cancelled generation job: its codes never take a use. Read under the
            // code's row lock (after the counters, in the global lock order), so a cancellation commits before or after this one.
            // A leaked redemption that may rotate the code takes the lock the rotation needs (FOR UPDATE), so two of them wait
            // for each other instead of both holding a shared lock and both upgrading it (a deadlock).
            var mayRotate = campaign.AutoRotateLeakedCodes
                && LeakDetector.Check(coupon.PartnerId, reservation!.TrafficPartnerId ?? trafficPartner, referrer, [.. options.Value.CouponSiteDomains]) is not null;
            var codeNow = await (mayRotate
                    ? db.Codes.FromSql($"SELECT * FROM coupon_codes WHERE id = {coupon.Id} FOR UPDATE")
                    : db.Codes.FromSql($"SELECT * FROM coupon_codes WHERE id = {coupon.Id} FOR SHARE"))
                .AsNoTracking().SingleAsync(cancellationToken);
            if (codeNow.DisabledAt is { } disabledAt)
            {
                await transaction.RollbackAsync(cancellationToken);
                return CheckoutResult.Conflict<RedemptionResponse>(CouponReasons.Disabled,
                    $"The code was disabled at {disabledAt:O}: the generation job that made it was cancelled.");
            }

            reservation!.Status = ReservationStatuses.Consumed;
            reservation.OrderId = orderId;
            reservation.SettledAt = now;
            counterKeys = [.. reservation.CounterKeys.Concat(keysNow.Select(claim => claim.Key)).Order(StringComparer.Ordinal)];
            partner = reservation.PartnerId;
            trafficPartner = reservation.TrafficPartnerId ?? trafficPartner;
            customerKey = reservation.CustomerKey ?? customerKey;
            reservationId = reservation.Id;
            coupon = codeNow; // as committed now: a leaked redemption before this one may have rotated it
        }
        else
        {
            if (campaign.RequireReservation)
            {
                await transaction.RollbackAsync(cancellationToken);
                return CheckoutResult.Refused<RedemptionResponse>(StatusCodes.Status422UnprocessableEntity, CouponReasons.ReservationRequired,
                    "This campaign's codes are redeemed with the reservation made at checkout (reservationId).");
            }

            partner = coupon.PartnerId ?? request.PartnerId;
            if (CouponEligibility.Check(campaign, coupon, customer, partner, minimumBase, currency, now, found.PartnerStatus) is { } refusal)
            {
                await transaction.RollbackAsync(cancellationToken);
                return CheckoutResult.Conflict<RedemptionResponse>(refusal.Reason, refusal.Detail);
            }

            var claims = CounterClaim.For(campaign, coupon, customer, partner);
            if (await ledger.TakeAsync(claims, now, cancellationToken) is { } full)
            {
                await transaction.RollbackAsync(cancellationToken);
                return CheckoutResult.Conflict<RedemptionResponse>(full.RefusalReason, CouponEligibility.DetailFor(full));
            }

            // The code as committed now, locked until commit (after the counters, in the global lock order; FOR UPDATE,
            // since this redemption may rotate it): the code read above may have been rotated since, by the leaked
            // redemption before this one or by an admin.
            coupon = await db.Codes.FromSql($"SELECT * FROM coupon_codes WHERE id = {coupon.Id} FOR UPDATE").AsNoTracking().SingleAsync(cancellationToken);
            if (CouponEligibility.Check(campaign, coupon, customer, partner, minimumBase, currency, now, found.PartnerStatus) is { } refusalNow)
            {
                await transaction.RollbackAsync(cancellationToken);
                return CheckoutResult.Conflict<RedemptionResponse>(refusalNow.Reason, refusalNow.Detail);
            }

            counterKeys = [.. claims.Select(claim => claim.Key)];
        }

        var leak = LeakDetector.Check(coupon.PartnerId, trafficPartner, referrer, [.. options.Value.CouponSiteDomains]);
        var redemption = new CouponRedemption
        {
            Id = Guid.CreateVersion7(now),
            OrderId = orderId,
            CodeId = coupon.Id,
            CampaignId = campaign.Id,
            PromotionId = campaign.PromotionId,
            Code = coupon.Code,
            ReservationId = reservationId,
            CustomerKey = customerKey,
            PartnerId = partner,
            TrafficPartnerId = trafficPartner,
            OrderTotal = total,
            Currency = currency,
            RefundedAmount = Replays.RefundedOf(existing),
            Status = RedemptionStatuses.Redeemed,
            RedeemedAt = now,
            CounterKeys = counterKeys,
            LeakReason = leak,
            Referrer = referrer,
        };
        db.Redemptions.Add(redemption);
        if (idempotency is not null)
        {
            db.IdempotencyKeys.Add(idempotency.Record(redemption.Id, now));
        }

        var rotated = leak is not null && campaign.AutoRotateLeakedCodes && coupon.RetiredAt is null
            && await db.Redemptions.CountAsync(other => other.CodeId == coupon.Id && other.LeakReason != null, cancellationToken) + 1 >= (campaign.RotateAfterLeaks ?? 1)
            && await rotation.RotateAsync(coupon, campaign, now, cancellationToken);
        if (rotated)
        {
            metrics.AutoRotated();
        }

        if (leak is not null)
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
                TrafficPartnerId = trafficPartner,
                Referrer = referrer,
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
            OrderTotal = total,
            Currency = currency,
            PartnerId = partner,
            TrafficPartnerId = trafficPartner,
            CodePartnerId = coupon.PartnerId,
            ReservationId = reservationId,
            CustomerKey = customerKey,
        });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (rotated)
        {
            await codeChanges.ChangedAsync(coupon.Code);
        }

        return CheckoutResult.Done<RedemptionResponse>(RedemptionResponse.From(redemption));
    }

    /// <summary>Another code for an order that redeemed codes: refused unless this campaign and all of theirs are stackable.</summary>
    private async Task<CheckoutResult<RedemptionResponse>?> OneCodePerOrderAsync(
        string orderId, Campaign campaign, List<CouponRedemption> existing, CancellationToken cancellationToken)
    {
        var others = existing.Where(redemption => redemption.Status == RedemptionStatuses.Redeemed).Select(redemption => redemption.CampaignId).ToList();
        if (others.Count == 0 || (campaign.Stackable
                && await db.Campaigns.AsNoTracking().Where(other => others.Contains(other.Id)).AllAsync(other => other.Stackable, cancellationToken)))
        {
            return null;
        }

        return CheckoutResult.Conflict<RedemptionResponse>(CouponReasons.OneCodePerOrder,
            $"Order {orderId} already redeemed another code, and one of the two campaigns allows one code per order.");
    }

    /// <summary>
    /// Gives back a held reservation of this code that a redemption brought to an order that already redeemed the code with
    /// another reservation (the order is replayed or refused): no order can consume it under that order id, and left held
    /// it would block a use until it expires. Only the shopper's own (the check a redemption makes); under the order's lock,
    /// in the documented lock order (then the reservation row, then its counters). Returns why it was given back
    /// (<c>released</c>, or <c>expired</c> past its expiry), saved but not committed; null when nothing was.
    /// </summary>
    private async Task<string?> ReleaseStrayAsync(Guid reservationId, Guid codeId, CustomerIdentity customer, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var reservation = await db.Reservations.FromSql($"SELECT * FROM coupon_reservations WHERE id = {reservationId} FOR UPDATE")
            .SingleOrDefaultAsync(cancellationToken);
        if (reservation is not { Status: ReservationStatuses.Held } || reservation.CodeId != codeId
            || (!customer.IsEmpty && reservation.CustomerKey is not null && !customer.Has(reservation.CustomerKey)))
        {
            return null;
        }

        var reason = reservation.ExpiresAt <= now ? "expired" : "released";
        await ReleaseAsync([reservation], reason, now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return reason;
    }

    /// <summary>Gives a held reservation back (the checkout was abandoned). Idempotent; a redeemed one is a 409.</summary>
    public async Task<CheckoutResult<ReservationResponse>> ReleaseReservationAsync(Guid reservationId, CancellationToken cancellationToken)
    {
        using var slot = await gate.EnterAsync(cancellationToken);
        var now = Clock.Now(timeProvider);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var reservation = await db.Reservations.FromSql($"SELECT * FROM coupon_reservations WHERE id = {reservationId} FOR UPDATE")
            .SingleOrDefaultAsync(cancellationToken);
        if (reservation is null)
        {
            return CheckoutResult.NotFound<ReservationResponse>();
        }

        if (reservation.Status == ReservationStatuses.Consumed)
        {
            return CheckoutResult.Conflict<ReservationResponse>(CouponReasons.ReservationUsed,
                $"Reservation {reservationId} was redeemed by order {reservation.OrderId}; cancel or refund the order instead.");
        }

        var releasing = reservation.Status == ReservationStatuses.Held;
        if (releasing)
        {
            await ReleaseAsync([reservation], "released", now, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        if (releasing)
        {
            metrics.GivenBack("released", 1);
        }

        return CheckoutResult.Done<ReservationResponse>(ReservationResponse.From(reservation));
    }

    /// <summary>Releases held reservations past their expiry, a batch at a time, skipping rows another transaction holds.</summary>
    public async Task<int> ReleaseExpiredAsync(int batchSize, CancellationToken cancellationToken)
    {
        var now = Clock.Now(timeProvider);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var expired = await db.Reservations.FromSql($"""
            SELECT * FROM coupon_reservations WHERE status = 'held' AND expires_at <= {now}
            ORDER BY expires_at LIMIT {batchSize} FOR UPDATE SKIP LOCKED
            """).ToListAsync(cancellationToken);
        if (expired.Count > 0)
        {
            await ReleaseAsync(expired, "expired", now, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        if (expired.Count > 0)
        {
            metrics.GivenBack("expired", expired.Count);
        }

        return expired.Count;
    }

    /// <summary>Cancellation gives every active redemption of the order its use back, once.</summary>
    public async Task<OrderCouponsResponse?> CancelAsync(string orderId, CancellationToken cancellationToken)
    {
        using var slot = await gate.EnterAsync(cancellationToken);
        return (await RestoreAsync(orderId, cancel: true, refundId: null, amount: null, idempotency: null, cancellationToken)).Value;
    }

    /// <summary>
    /// A refund gives the use back only when the order is refunded in full (no amount: what is left; or refunds adding up
    /// to the order total); a partial refund is recorded and keeps the use: the discount was given. More than is left,
    /// or any refund of an order cancelled or already refunded in full, is refused (<see cref="RefuseRefund"/>). Idempotent
    /// by refund id: the same refund again answers as the first time and changes nothing; the same id with another order
    /// or amount is refused. Without a refund id, a full refund sent twice is refused the second time (already refunded),
    /// and a partial refund sent twice counts twice (while it fits).
    /// <para>
    /// An <c>Idempotency-Key</c> is recorded with the refund its request recorded (under the refund id, or one generated for
    /// it when the body has none): the same key and request again get that answer; the key with another request (another
    /// refund id, amount or order) is refused. The refund id still decides first: a request the refund id answers records
    /// no key.
    /// </para>
    /// </summary>
    public async Task<CheckoutResult<OrderCouponsResponse>> RefundAsync(
        string orderId, string? refundId, decimal? amount, IdempotencyClaim? idempotency, CancellationToken cancellationToken)
    {
        using var slot = await gate.EnterAsync(cancellationToken);
        try
        {
            return await RestoreAsync(orderId, cancel: false, refundId, amount, idempotency, cancellationToken);
        }
        catch (DbUpdateException exception) when (refundId is not null && exception.IsUniqueViolation(CouponRefundConfiguration.Key))
        {
            // The same refund id for another order, at the same moment (this order's lock does not cover that one).
            db.ChangeTracker.Clear();
            var earlier = await db.Refunds.AsNoTracking().SingleAsync(refund => refund.RefundId == refundId, cancellationToken);
            return Replay(earlier, orderId, amount);
        }
    }

    public async Task<OrderCouponsResponse?> FindOrderAsync(string orderId, CancellationToken cancellationToken)
    {
        using var slot = await gate.EnterAsync(cancellationToken);
        var redemptions = await db.Redemptions.AsNoTracking().Where(redemption => redemption.OrderId == orderId)
            .OrderBy(redemption => redemption.Id).ToListAsync(cancellationToken);
        return redemptions.Count == 0 ? null : new OrderCouponsResponse(orderId, [.. redemptions.Select(RedemptionResponse.From)]);
    }

    /// <summary>A cancellation or a refund, under the order's lock.</summary>
    private async Task<CheckoutResult<OrderCouponsResponse>> RestoreAsync(
        string orderId, bool cancel, string? refundId, decimal? amount, IdempotencyClaim? idempotency, CancellationToken cancellationToken)
    {
        var now = Clock.Now(timeProvider);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await LockOrderAsync(orderId, cancellationToken);
        var recordedAs = refundId;
        if (idempotency is not null)
        {
            var generated = Guid.CreateVersion7(now);
            var (outcome, earlierId) = await db.ClaimAsync(idempotency.Operation, idempotency.Key, idempotency.Fingerprint, generated, now, cancellationToken);
            if (outcome != IdempotencyOutcome.Claimed)
            {
                // Same fingerprint, same refund id: the refund the key recorded is under it, or under the id generated then.
                return outcome == IdempotencyOutcome.Replayed
                    ? CheckoutResult.KeyReplayed(Answer(await db.Refunds.AsNoTracking()
                        .SingleAsync(refund => refund.RefundId == (refundId ?? earlierId.ToString()), cancellationToken)))
                    : CheckoutResult.KeyReused<OrderCouponsResponse>();
            }

            recordedAs ??= generated.ToString();
        }

        if (refundId is not null && await db.Refunds.AsNoTracking().SingleOrDefaultAsync(refund => refund.RefundId == refundId, cancellationToken) is { } earlier)
        {
            return Replay(earlier, orderId, amount);
        }

        var redemptions = await db.Redemptions.FromSql($"SELECT * FROM coupon_redemptions WHERE order_id = {orderId} ORDER BY id FOR UPDATE")
            .ToListAsync(cancellationToken);
        if (redemptions.Count == 0)
        {
            return CheckoutResult.NotFound<OrderCouponsResponse>();
        }

        if (!cancel && amount is { } refunded && CheckoutRules.ValidateRefund(refunded, redemptions.Select(redemption => redemption.Currency)) is { } errors)
        {
            return CheckoutResult.Invalid<OrderCouponsResponse>(errors);
        }

        var active = redemptions.Where(redemption => redemption.Status == RedemptionStatuses.Redeemed).ToList();
        if (!cancel && RefuseRefund(orderId, redemptions, active, amount) is { } refused)
        {
            return refused;
        }

        var restored = new List<CouponRedemption>();
        foreach (var redemption in active)
        {
            if (!cancel)
            {
                redemption.RefundedAmount += amount ?? redemption.OrderTotal - redemption.RefundedAmount;
            }

            if (cancel || redemption.RefundedAmount >= redemption.OrderTotal)
            {
                redemption.Status = cancel ? RedemptionStatuses.Cancelled : RedemptionStatuses.Refunded;
                redemption.RestoredAt = now;
                restored.Add(redemption);
                db.AddIntegrationEvent(new CouponRestored
                {
                    EventId = Guid.CreateVersion7(now),
                    OccurredAt = now,
                    RedemptionId = redemption.Id,
                    OrderId = orderId,
                    CodeId = redemption.CodeId,
                    Code = redemption.Code,
                    CampaignId = redemption.CampaignId,
                    Reason = redemption.Status,
                    PartnerId = redemption.PartnerId,
                });
            }
        }

        await ledger.GiveBackAsync(restored.SelectMany(redemption => redemption.CounterKeys), now, cancellationToken);
        var response = new OrderCouponsResponse(orderId, [.. redemptions.Select(RedemptionResponse.From)]);
        if (recordedAs is not null)
        {
            db.Refunds.Add(new CouponRefund
            {
                RefundId = recordedAs, OrderId = orderId, Amount = amount, RefundedAt = now,
                Response = JsonSerializer.Serialize(response, JsonSerializerOptions.Web),
            });
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        foreach (var group in restored.GroupBy(redemption => redemption.Status, StringComparer.Ordinal))
        {
            metrics.GivenBack(group.Key, group.Count());
        }

        return CheckoutResult.Done(response);
    }

    /// <summary>
    /// A refund of an order whose uses were all given back (cancelled, or refunded in full), or for more than is left of
    /// it, is refused: nothing is written, nothing is capped. What is left is the least any active redemption of the
    /// order has left (each records the order total).
    /// </summary>
    private static CheckoutResult<OrderCouponsResponse>? RefuseRefund(
        string orderId, List<CouponRedemption> redemptions, List<CouponRedemption> active, decimal? amount)
    {
        if (active.Count == 0)
        {
            return redemptions.All(redemption => redemption.Status == RedemptionStatuses.Cancelled)
                ? CheckoutResult.Conflict<OrderCouponsResponse>(CouponReasons.OrderCancelled,
                    $"Order {orderId} was cancelled: its coupon uses were given back, and there is nothing left to refund.")
                : CheckoutResult.Conflict<OrderCouponsResponse>(CouponReasons.OrderRefunded,
                    $"Order {orderId} is already refunded in full ({string.Join(", ", redemptions.Select(Total).Distinct(StringComparer.Ordinal))}).");
        }

        var least = active.MinBy(redemption => redemption.OrderTotal - redemption.RefundedAmount)!;
        var left = least.OrderTotal - least.RefundedAmount;
        return amount > left
            ? CheckoutResult.Refused<OrderCouponsResponse>(StatusCodes.Status422UnprocessableEntity, CouponReasons.RefundExceedsOrder,
                $"The refund ({Amounts.Format(amount.Value, least.Currency)}) is more than what is left of order {orderId}: "
                + $"{Amounts.Format(left, least.Currency)} of {Total(least)}.")
            : null;

        static string Total(CouponRedemption redemption) => Amounts.Format(redemption.OrderTotal, redemption.Currency);
    }

    private static CheckoutResult<OrderCouponsResponse> Replay(CouponRefund earlier, string orderId, decimal? amount) =>
        earlier.OrderId == orderId && earlier.Amount == amount
            ? CheckoutResult.Replayed(Answer(earlier))
            : CheckoutResult.Conflict<OrderCouponsResponse>(CouponReasons.RefundIdReused,
                $"Refund {earlier.RefundId} was already recorded for order {earlier.OrderId}, "
                + $"{(earlier.Amount is { } recorded ? $"amount {DecimalScale.Normalize(recorded)}" : "in full")}; a refund id is sent again only with the same order and amount.");

    private static OrderCouponsResponse Answer(CouponRefund refund) =>
        JsonSerializer.Deserialize<OrderCouponsResponse>(refund.Response, JsonSerializerOptions.Web)!;

    /// <summary>
    /// What the committed record of the request's <c>Idempotency-Key</c> answers: the resource it created, or a refusal when
    /// the key came with another request; null without a key or a record.
    /// </summary>
    private async Task<CheckoutResult<T>?> KeyedAnswerAsync<T>(
        IdempotencyClaim? idempotency, Func<Guid, CancellationToken, Task<T>> created, CancellationToken cancellationToken)
        where T : class
    {
        if (idempotency is null || await db.IdempotencyKeys.AsNoTracking().SingleOrDefaultAsync(
                record => record.Operation == idempotency.Operation && record.Key == idempotency.Key, cancellationToken) is not { } earlier)
        {
            return null;
        }

        return idempotency.SameRequest(earlier)
            ? CheckoutResult.KeyReplayed(await created(earlier.ResourceId, cancellationToken))
            : CheckoutResult.KeyReused<T>();
    }

    private async Task<ReservationResponse> ReservationAnswerAsync(Guid id, CancellationToken cancellationToken) =>
        ReservationResponse.From(await db.Reservations.AsNoTracking().SingleAsync(reservation => reservation.Id == id, cancellationToken));

    private async Task<RedemptionResponse> RedemptionAnswerAsync(Guid id, CancellationToken cancellationToken) =>
        RedemptionResponse.From(await db.Redemptions.AsNoTracking().SingleAsync(redemption => redemption.Id == id, cancellationToken));

    /// <summary>Marks tracked, held reservations released and gives their uses back (counters in key order).</summary>
    private async Task ReleaseAsync(IReadOnlyList<CouponReservation> reservations, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var reservation in reservations)
        {
            reservation.Status = ReservationStatuses.Released;
            reservation.SettledAt = now;
            db.AddIntegrationEvent(new CouponReleased
            {
                EventId = Guid.CreateVersion7(now),
                OccurredAt = now,
                ReservationId = reservation.Id,
                CodeId = reservation.CodeId,
                Code = reservation.Code,
                CampaignId = reservation.CampaignId,
                Reason = reason,
            });
        }

        await ledger.GiveBackAsync(reservations.SelectMany(reservation => reservation.CounterKeys), now, cancellationToken);
    }

    private static string Result<T>(CheckoutResult<T> result)
        where T : class =>
        result.Outcome switch
        {
            CheckoutOutcome.Done => "ok",
            CheckoutOutcome.Replayed or CheckoutOutcome.KeyReplayed => "replayed",
            CheckoutOutcome.NotFound => "not_found",
            _ => result.Reason ?? "refused",
        };

    private static CounterClaim? FirstFull(IReadOnlyList<CounterClaim> claims, Dictionary<string, int> uses) =>
        claims.FirstOrDefault(claim => claim.MaxUses is { } max && uses.GetValueOrDefault(claim.Key) + 1 > max);

    /// <summary>Serialises everything done to one order (redeem, cancel, refund), on every instance, until commit.</summary>
    private Task<int> LockOrderAsync(string orderId, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({"order:" + orderId}, 0))", cancellationToken);

    /// <summary>A pool code nobody was issued yet is not a code to shoppers.</summary>
    private async Task<CodeDefinition?> FindCachedAsync(string code, CancellationToken cancellationToken)
    {
        if (codeCache.TryGet(code, out var cached))
        {
            return cached;
        }

        var generation = codeCache.Generation;
        var found = await FindAsync(code, cancellationToken);
        if (found is not null)
        {
            codeCache.Set(code, found, generation);
        }

        return found;
    }

    private async Task<CodeDefinition?> FindAsync(string code, CancellationToken cancellationToken) =>
        await db.Codes.AsNoTracking().Where(coupon => coupon.Code == code && (coupon.Source != CodeSources.Pool || coupon.CustomerKey != null))
            .Join(db.Campaigns.AsNoTracking(), coupon => coupon.CampaignId, campaign => campaign.Id, (coupon, campaign) => new CodeDefinition(coupon, campaign,
                db.PartnerStandings.Where(standing => standing.PartnerId == coupon.PartnerId).Select(standing => standing.Status).SingleOrDefault()))
            .SingleOrDefaultAsync(cancellationToken);

    /// <summary>
    /// Gives back the expired holds that count against these limits, then reads the limits again: the first one still full,
    /// or null. A hold another transaction (the sweeper, a request of the same shopper) is giving back at the same moment is
    /// waited for, not skipped, so the counters read afterwards never still count it (a skipped row made the request refuse
    /// on counters read before the other transaction committed). Holds are locked in id order before any counter, the
    /// documented lock order; the caller holds no lock.
    /// </summary>
    private async Task<CounterClaim?> FullAfterExpiredHoldsAsync(IReadOnlyList<CounterClaim> claims, CancellationToken cancellationToken)
    {
        var keys = claims.Select(claim => claim.Key).ToArray();
        var now = Clock.Now(timeProvider);
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var expired = await db.Reservations.FromSql($"""
                SELECT * FROM coupon_reservations WHERE status = 'held' AND expires_at <= {now} AND counter_keys && {keys}
                ORDER BY id FOR UPDATE
                """).ToListAsync(cancellationToken);
            if (expired.Count > 0)
            {
                await ReleaseAsync(expired, "expired", now, cancellationToken);
                await db.SaveChangesAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            db.ChangeTracker.Clear();
            if (expired.Count > 0)
            {
                metrics.GivenBack("expired", expired.Count);
            }
        }

        return FirstFull(claims, await ledger.ReadAsync(claims, cancellationToken));
    }

    /// <summary>The live reservation of <paramref name="codeId"/> for <paramref name="checkout"/>, when it is this customer's
    /// (or names no customer): the hold a validation for that checkout does not count against it.</summary>
    private async Task<CouponReservation?> OwnHoldAsync(
        string? checkout, Guid codeId, CustomerIdentity customer, DateTimeOffset now, CancellationToken cancellationToken) =>
        checkout is not null && await FindHeldAsync(checkout, codeId, cancellationToken) is { } held && held.ExpiresAt > now && IsShoppers(held, customer)
            ? held
            : null;

    /// <summary>The hold is this shopper's: made for the same customer, or one of the two names nobody.</summary>
    private static bool IsShoppers(CouponReservation held, CustomerIdentity customer) =>
        held.CustomerKey is null || customer.IsEmpty || customer.Has(held.CustomerKey);

    /// <summary>The counters of the validation's own use of the code: its order's redemption, else its checkout's live hold.</summary>
    private async Task<string[]?> OwnUseAsync(
        ValidateCouponRequest request, Guid codeId, CustomerIdentity customer, DateTimeOffset now, CancellationToken cancellationToken) =>
        (await OwnRedemptionAsync(request.OrderId, codeId, customer, cancellationToken))?.CounterKeys
        ?? (await OwnHoldAsync(request.Checkout, codeId, customer, now, cancellationToken))?.CounterKeys;

    /// <summary>The order's own redemption of the code, when it still counts a use (for the same customer, or naming none).</summary>
    private async Task<CouponRedemption?> OwnRedemptionAsync(string? orderId, Guid codeId, CustomerIdentity customer, CancellationToken cancellationToken) =>
        orderId is not null && await db.Redemptions.AsNoTracking().FirstOrDefaultAsync(redemption => redemption.OrderId == orderId
                && redemption.CodeId == codeId && redemption.Status == RedemptionStatuses.Redeemed, cancellationToken) is { } redeemed
            && (redeemed.CustomerKey is null || customer.IsEmpty || customer.Has(redeemed.CustomerKey))
            ? redeemed
            : null;

    /// <summary>The uses with the one use a hold or redemption took from each of its counters (<paramref name="counterKeys"/>) left out.</summary>
    private static Dictionary<string, int> WithoutUse(Dictionary<string, int> uses, string[]? counterKeys)
    {
        foreach (var key in counterKeys ?? [])
        {
            if (uses.TryGetValue(key, out var count) && count > 0)
            {
                uses[key] = count - 1;
            }
        }

        return uses;
    }

    private Task<CouponReservation?> FindHeldAsync(string checkout, Guid codeId, CancellationToken cancellationToken) =>
        db.Reservations.AsNoTracking().FirstOrDefaultAsync(reservation => reservation.CheckoutId == checkout && reservation.CodeId == codeId
            && reservation.Status == ReservationStatuses.Held, cancellationToken);
}
