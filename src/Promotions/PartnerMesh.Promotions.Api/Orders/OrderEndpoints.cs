using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using PartnerMesh.Promotions.Api.Common;
using PartnerMesh.Promotions.Api.Idempotency;
using PartnerMesh.ServiceDefaults.Orders;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Promotions.Api.Orders;

public static class OrderEndpoints
{
    public static RouteGroupBuilder MapOrderEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/promotions/orders")
            .WithTags("Orders")
            .RequireAuthorization(PartnerMeshPolicies.Storefront);

        group.MapPost("/", VerifyOrder).WithName(nameof(VerifyOrder))
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/{orderId}", GetOrderVerification).WithName(nameof(GetOrderVerification)).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{orderId}/cancellation", CancelOrder).WithName(nameof(CancelOrder)).ProducesProblem(StatusCodes.Status404NotFound);

        return group;
    }

    /// <summary>Idempotent by order id; with an <c>Idempotency-Key</c> also by key: a retry of the same request gets the
    /// stored verification (200), the key with another request is a 409.</summary>
    private static async Task<Results<Created<OrderVerificationResponse>, Ok<OrderVerificationResponse>, ValidationProblem, ProblemHttpResult>> VerifyOrder(
        VerifyOrderRequest request, [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey, OrderVerificationService verifications,
        IdempotentRequests keys, ClaimsPrincipal user, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (VerifyOrderRules.Validate(request) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (IdempotencyKeys.Validate(idempotencyKey) is { } keyProblem)
        {
            return keyProblem;
        }

        if (idempotencyKey is null)
        {
            return ToResult(request, await verifications.VerifyAsync(request, cancellationToken));
        }

        await using var claim = await keys.ClaimAsync(
            IdempotentOperations.OrderVerification, Actor.Of(user), idempotencyKey, IdempotencyKeys.Fingerprint(request), cancellationToken);
        if (claim.Earlier is not null)
        {
            // The order id replays the stored verification (as it stands now, a cancellation included).
            return claim.IsRetry ? ToResult(request, await verifications.VerifyAsync(request, cancellationToken)) : IdempotencyKeys.Reused();
        }

        var result = await verifications.VerifyAsync(request, CancellationToken.None);
        if (result.Status is VerificationStatus.Verified or VerificationStatus.Replayed)
        {
            await claim.CompleteAsync(null, timeProvider.GetUtcNow() + IdempotentRequests.OrderKeyLifetime);
        }

        return ToResult(request, result);
    }

    private static Results<Created<OrderVerificationResponse>, Ok<OrderVerificationResponse>, ValidationProblem, ProblemHttpResult> ToResult(
        VerifyOrderRequest request, VerificationResult result) =>
        result.Status switch
        {
            VerificationStatus.Verified => TypedResults.Created($"/api/promotions/orders/{Uri.EscapeDataString(request.OrderId!)}", result.Response),
            VerificationStatus.Replayed => TypedResults.Ok(result.Response),
            VerificationStatus.Conflict => Problems.Conflict("Order already verified",
                $"Order {request.OrderId} was already verified against another quote or other charged amounts."),
            _ => Problems.Unprocessable("Quote signature invalid",
                "The quote was not issued by this engine or was altered after it was issued; evaluate the cart again."),
        };

    private static async Task<Results<Ok<OrderVerificationResponse>, ProblemHttpResult>> GetOrderVerification(
        string orderId, OrderVerificationService verifications, CancellationToken cancellationToken) =>
        OrderIds.IsValid(orderId) && await verifications.FindAsync(orderId, cancellationToken) is { } verification
            ? TypedResults.Ok(OrderVerificationResponse.From(verification))
            : Problems.NotFound("Order not verified", $"No verification exists for order {orderId}.");

    private static async Task<Results<Ok<OrderVerificationResponse>, ProblemHttpResult>> CancelOrder(
        string orderId, OrderVerificationService verifications, CancellationToken cancellationToken) =>
        OrderIds.IsValid(orderId) && await verifications.CancelAsync(orderId, cancellationToken) is { } cancelled
            ? TypedResults.Ok(cancelled)
            : Problems.NotFound("Order not verified", $"No verification exists for order {orderId}.");
}
