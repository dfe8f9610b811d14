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
        if (Differences(earlier, customer.IsEmpty || customer.Has(earlier.CustomerKey), orderTotal, currency) is { } differences)
        {
            return CheckoutResult.Conflict<RedemptionResponse>(CouponReasons.OrderMismatch,
                $"Order {earlier.OrderId} already redeemed {earlier.Code}, with different facts ({differences}). "
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
    /// A redemption of a code the order has not redeemed, under an order that redeemed other codes (read under the
    /// order's lock): the order's first redemption fixed its total, currency and customer, so other facts are
    /// <c>order_mismatch</c>; and an order whose uses were given back (cancelled, or refunded in full) takes no code
    /// any more: <c>order_cancelled</c> / <c>order_refunded</c>. Null when the code may join the order (one code per
    /// order is checked next).
    /// </summary>
    public static CheckoutResult<RedemptionResponse>? OfOtherCodes(
        string orderId, IReadOnlyCollection<CouponRedemption> order, CustomerIdentity customer, decimal orderTotal, string currency)
    {
        if (order.Count == 0)
        {
            return null;
        }

        // The total and currency are the first redemption's; the customer is every customer an earlier code named (a code
        // redeemed naming nobody does not fix it).
        var first = order.OrderBy(redemption => redemption.RedeemedAt).ThenBy(redemption => redemption.Id).First();
        var sameCustomer = customer.IsEmpty || order.All(redemption => redemption.CustomerKey is null || customer.Has(redemption.CustomerKey));
        if (Differences(first, sameCustomer, orderTotal, currency) is { } differences)
        {
            return CheckoutResult.Conflict<RedemptionResponse>(CouponReasons.OrderMismatch,
                $"Order {orderId} already redeemed {first.Code}, with different facts ({differences}). Every code of an order states "
                + "the order's total, currency and customer; another order needs its own order id.");
        }

        if (order.FirstOrDefault(redemption => redemption.Status != RedemptionStatuses.Redeemed) is { } restored)
        {
            return CheckoutResult.Conflict<RedemptionResponse>(
                restored.Status == RedemptionStatuses.Cancelled ? CouponReasons.OrderCancelled : CouponReasons.OrderRefunded,
                $"Order {orderId} was {restored.Status} at {restored.RestoredAt:O}; its coupon uses were given back, and it takes no code any more. "
                + "A new order is redeemed under a new order id.");
        }

        return null;
    }

    /// <summary>What the order's refunds add up to so far (every active redemption of an order records the same amount):
    /// a code joining the order starts from it, so a refund stays partial or full for all the order's codes at once.</summary>
    public static decimal RefundedOf(IEnumerable<CouponRedemption> order) =>
        order.Where(redemption => redemption.Status == RedemptionStatuses.Redeemed).Select(redemption => redemption.RefundedAmount).DefaultIfEmpty().Max();

    private static string? Differences(CouponRedemption earlier, bool sameCustomer, decimal orderTotal, string currency)
    {
        List<string> differences = [];
        if (orderTotal != earlier.OrderTotal || currency != earlier.Currency)
        {
            differences.Add($"{Amounts.Format(orderTotal, currency)} instead of {Amounts.Format(earlier.OrderTotal, earlier.Currency)}");
        }

        if (!sameCustomer)
        {
            differences.Add("another customer");
        }

        return differences.Count == 0 ? null : string.Join(", ", differences);
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
