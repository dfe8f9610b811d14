using PartnerMesh.ServiceDefaults.WebApi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using PartnerMesh.Coupons.Api.Common;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.Coupons.Api.Checkout;

/// <summary>The storefront's calls: validate, reserve, redeem, release, cancel, refund.</summary>
public static class CheckoutEndpoints
{
    public static RouteGroupBuilder MapCheckoutEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/coupons").WithTags("Checkout").RequireAuthorization(PartnerMeshPolicies.Storefront)
            .AddEndpointFilter(CheckoutGate.RefuseWhenFullAsync);

        group.MapPost("/validations", ValidateCoupon).WithName(nameof(ValidateCoupon));
        group.MapPost("/reservations", ReserveCoupon).WithName(nameof(ReserveCoupon)).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/reservations/{id:guid}/release", ReleaseReservation).WithName(nameof(ReleaseReservation)).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/redemptions", RedeemCoupon).WithName(nameof(RedeemCoupon)).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/redemptions/{orderId}", GetOrderRedemptions).WithName(nameof(GetOrderRedemptions));
        group.MapPost("/redemptions/{orderId}/cancellation", CancelOrder).WithName(nameof(CancelOrder));
        group.MapPost("/redemptions/{orderId}/refund", RefundOrder).WithName(nameof(RefundOrder)).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        return group;
    }

    private static async Task<Results<Ok<CouponValidationResponse>, ValidationProblem>> ValidateCoupon(
        ValidateCouponRequest request, CheckoutService checkout, CancellationToken cancellationToken)
    {
        if (CheckoutRules.Validate(request, out var code) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return TypedResults.Ok(await checkout.ValidateAsync(request, code, cancellationToken));
    }

    /// <summary>
    /// With an <c>Idempotency-Key</c>, the same request again answers as the first did (201, the same reservation, header
    /// <c>Idempotent-Replayed: true</c>) and takes no second use; the key with another request is a 409
    /// <c>idempotency_key_reused</c>. Without one, the same checkout and code again answer 200 with the held reservation,
    /// or a 409 <c>checkout_mismatch</c> when it is held for another customer.
    /// </summary>
    private static async Task<Results<Created<ReservationResponse>, Ok<ReservationResponse>, ValidationProblem, ProblemHttpResult>> ReserveCoupon(
        ReserveCouponRequest request, [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey, CheckoutService checkout, HttpContext context,
        CancellationToken cancellationToken)
    {
        if ((CheckoutRules.Validate(request, out var code) is { } errors ? TypedResults.ValidationProblem(errors) : IdempotencyKeys.Validate(idempotencyKey)) is { } invalid)
        {
            return invalid;
        }

        var result = await checkout.ReserveAsync(request, code, IdempotencyClaim.Of(IdempotentOperations.Reserve, idempotencyKey, request), cancellationToken);
        MarkReplayed(context, result.Outcome == CheckoutOutcome.KeyReplayed);
        return result.Outcome switch
        {
            CheckoutOutcome.Done or CheckoutOutcome.KeyReplayed =>
                TypedResults.Created($"/api/coupons/reservations/{result.Value!.ReservationId}", result.Value!),
            CheckoutOutcome.Replayed => TypedResults.Ok(result.Value!),
            _ => Refused(result, "Coupon cannot be reserved"),
        };
    }

    private static async Task<Results<Ok<ReservationResponse>, ProblemHttpResult>> ReleaseReservation(
        Guid id, CheckoutService checkout, CancellationToken cancellationToken)
    {
        var result = await checkout.ReleaseReservationAsync(id, cancellationToken);
        return result.Outcome switch
        {
            CheckoutOutcome.Done => TypedResults.Ok(result.Value!),
            CheckoutOutcome.NotFound => Problems.NotFound("Reservation not found", $"No reservation {id} exists."),
            _ => Refused(result, "Reservation cannot be released"),
        };
    }

    /// <summary>
    /// Idempotent by order id and code: a replay gets the first answer (201 again, <c>Idempotent-Replayed: true</c>), no
    /// second use; the same order and code with another total, currency or customer is a 409 <c>order_mismatch</c>, and a
    /// cancelled or refunded order a 409 <c>order_cancelled</c> / <c>order_refunded</c> (<see cref="Replays.OfOrder"/>).
    /// An <c>Idempotency-Key</c> also binds the request: the key with another request (another order, say) is a 409
    /// <c>idempotency_key_reused</c>.
    /// </summary>
    private static async Task<Results<Created<RedemptionResponse>, ValidationProblem, ProblemHttpResult>> RedeemCoupon(
        RedeemCouponRequest request, [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey, CheckoutService checkout, HttpContext context,
        CancellationToken cancellationToken)
    {
        if ((CheckoutRules.Validate(request, out var code) is { } errors ? TypedResults.ValidationProblem(errors) : IdempotencyKeys.Validate(idempotencyKey)) is { } invalid)
        {
            return invalid;
        }

        var result = await checkout.RedeemAsync(request, code, IdempotencyClaim.Of(IdempotentOperations.Redeem, idempotencyKey, request), cancellationToken);
        MarkReplayed(context, result.Outcome is CheckoutOutcome.Replayed or CheckoutOutcome.KeyReplayed);
        return result.Outcome is CheckoutOutcome.Done or CheckoutOutcome.Replayed or CheckoutOutcome.KeyReplayed
            ? TypedResults.Created($"/api/coupons/redemptions/{Uri.EscapeDataString(request.OrderId!)}", result.Value!)
            : Refused(result, "Coupon cannot be redeemed");
    }

    private static async Task<Results<Ok<OrderCouponsResponse>, ProblemHttpResult>> GetOrderRedemptions(
        string orderId, CheckoutService checkout, CancellationToken cancellationToken) =>
        CheckoutRules.IsValidId(orderId) && await checkout.FindOrderAsync(orderId, cancellationToken) is { } order
            ? TypedResults.Ok(order)
            : OrderNotFound(orderId);

    /// <summary>Gives the order's uses back (idempotent: a second cancellation changes nothing).</summary>
    private static async Task<Results<Ok<OrderCouponsResponse>, ProblemHttpResult>> CancelOrder(
        string orderId, CheckoutService checkout, CancellationToken cancellationToken) =>
        CheckoutRules.IsValidId(orderId) && await checkout.CancelAsync(orderId, cancellationToken) is { } order
            ? TypedResults.Ok(order)
            : OrderNotFound(orderId);

    /// <summary>
    /// A full refund gives the uses back; a partial one (<c>amount</c> below the order total) does not. More than is left
    /// of the order is a 422 <c>refund_exceeds_order</c>, an amount finer than the order's currency (JPY 0.5) a 400 naming
    /// <c>amount</c>; a cancelled order, or one already refunded in full, a 409
    /// <c>order_cancelled</c> / <c>order_refunded</c>; nothing is written then. Idempotent by
    /// <c>refundId</c> when one is sent: the same refund again answers as the first time (<c>Idempotent-Replayed: true</c>);
    /// the same id with another amount (or order) is a 409 <c>refund_id_reused</c>. An <c>Idempotency-Key</c> does the same
    /// for a refund without an id, and binds one with an id: the key with another refund id, amount or order is a 409
    /// <c>idempotency_key_reused</c>.
    /// </summary>
    private static async Task<Results<Ok<OrderCouponsResponse>, ValidationProblem, ProblemHttpResult>> RefundOrder(
        string orderId, RefundRequest? request, [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey, CheckoutService checkout,
        HttpContext context, CancellationToken cancellationToken)
    {
        if ((CheckoutRules.Validate(request) is { } errors ? TypedResults.ValidationProblem(errors) : IdempotencyKeys.Validate(idempotencyKey)) is { } invalid)
        {
            return invalid;
        }

        if (!CheckoutRules.IsValidId(orderId))
        {
            return OrderNotFound(orderId);
        }

        var idempotency = IdempotencyClaim.Of(IdempotentOperations.Refund, idempotencyKey, new { orderId, refundId = request?.RefundId, amount = request?.Amount });
        var result = await checkout.RefundAsync(orderId, request?.RefundId, request?.Amount, idempotency, cancellationToken);
        MarkReplayed(context, result.Outcome is CheckoutOutcome.Replayed or CheckoutOutcome.KeyReplayed);
        return result.Outcome switch
        {
            CheckoutOutcome.Done or CheckoutOutcome.Replayed or CheckoutOutcome.KeyReplayed => TypedResults.Ok(result.Value!),
            CheckoutOutcome.NotFound => OrderNotFound(orderId),
            CheckoutOutcome.Invalid => TypedResults.ValidationProblem(result.Errors!),
            _ => Refused(result, "Refund refused"),
        };
    }

    private static ProblemHttpResult OrderNotFound(string orderId) =>
        Problems.NotFound("Order has no redemptions", $"No code was redeemed for order {orderId}.");

    /// <param name="title">The call's title for refusals that have none of their own.</param>
    private static ProblemHttpResult Refused<T>(CheckoutResult<T> result, string title)
        where T : class =>
        Problems.Refused(result.Status, result.Reason!, result.Reason switch
        {
            CouponReasons.IdempotencyKeyReused => "Idempotency key reused",
            CouponReasons.RefundIdReused => "Refund id reused",
            CouponReasons.RefundExceedsOrder => "Refund exceeds the order",
            CouponReasons.OrderRefunded => "Order already fully refunded",
            CouponReasons.OrderCancelled => "Order cancelled",
            CouponReasons.OrderMismatch => "Order already redeemed with different facts",
            CouponReasons.CheckoutMismatch => "Checkout reserved for another customer",
            _ => title,
        }, result.Detail);

    private static void MarkReplayed(HttpContext context, bool replayed)
    {
        if (replayed)
        {
            context.Response.Headers["Idempotent-Replayed"] = "true";
        }
    }
}
