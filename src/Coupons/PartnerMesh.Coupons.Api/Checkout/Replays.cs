using PartnerMesh.Coupons.Api.Codes;
using PartnerMesh.Coupons.Api.Common;

namespace PartnerMesh.Coupons.Api.Checkout;

/// <summary>
/// What a request answers when its own ids (an order and code, a checkout and code) name something already done: the
/// first answer again, only when the request states the same facts; otherwise a refusal saying what differs, never the
/// answer to someone else's request.
/// </summary>
public static class Replays
{
    /// <summary>
    /// A redemption of an order and code that the order already redeemed. The same total, currency and customer (a request
    /// naming no customer matches any) replay the first answer; anything else is <c>order_mismatch</c>. An order whose
    /// redemption was cancelled or refunded in full replays only to the request that brings the reservation it consumed
    /// (a late retry of the original); any other request is refused <c>order_cancelled</c> / <c>order_refunded</c>.
    /// </summary>
    public static CheckoutResult<RedemptionResponse> OfOrder(
        CouponRedemption earlier, CustomerIdentity customer, decimal orderTotal, string currency, Guid? reservationId)
    {
        List<string> differences = [];
        if (orderTotal != earlier.OrderTotal || currency != earlier.Currency)
        {
            differences.Add($"{Amounts.Format(orderTotal, currency)} instead of {Amounts.Format(earlier.OrderTotal, earlier.Currency)}");
        }

        if (!customer.IsEmpty && !customer.Has(earlier.CustomerKey))
        {
            differences.Add("another customer");
        }

        if (differences.Count > 0)
        {
            return CheckoutResult.Conflict<RedemptionResponse>(CouponReasons.OrderMismatch,
                $"Order {earlier.OrderId} already redeemed {earlier.Code}, with different facts ({string.Join(", ", differences)}). "
                + "The same order is sent again only with the same facts; another order needs its own order id.");
        }

        if (earlier.Status != RedemptionStatuses.Redeemed && (reservationId is null || reservationId != earlier.ReservationId))
        {
            return CheckoutResult.Conflict<RedemptionResponse>(
                earlier.Status == RedemptionStatuses.Cancelled ? CouponReasons.OrderCancelled : CouponReasons.OrderRefunded,
                $"Order {earlier.OrderId} redeemed {earlier.Code} and was {earlier.Status} at {earlier.RestoredAt:O}; its use was given back. "
                + "A new order is redeemed under a new order id.");
        }

        return CheckoutResult.Replayed(RedemptionResponse.From(earlier));
    }

    /// <summary>
    /// A reservation for a checkout that already holds the code: the held reservation, unless this request is another
    /// customer's (the check a redemption of that reservation would fail with <c>reservation_mismatch</c>, made now).
    /// </summary>
    public static CheckoutResult<ReservationResponse> OfCheckout(CouponReservation held, CustomerIdentity customer) =>
        !customer.IsEmpty && held.CustomerKey is not null && !customer.Has(held.CustomerKey)
            ? CheckoutResult.Conflict<ReservationResponse>(CouponReasons.CheckoutMismatch,
                $"Checkout {held.CheckoutId} holds {held.Code} for another customer (reservation {held.Id}); a checkout id is one shopper's.")
            : CheckoutResult.Replayed(ReservationResponse.From(held));
}
