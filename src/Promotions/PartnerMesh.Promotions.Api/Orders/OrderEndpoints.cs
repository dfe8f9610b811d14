using PartnerMesh.ServiceDefaults.WebApi;
using Microsoft.AspNetCore.Http.HttpResults;
using PartnerMesh.Promotions.Api.Common;
using PartnerMesh.ServiceDefaults.Security;

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

    private static async Task<Results<Created<OrderVerificationResponse>, Ok<OrderVerificationResponse>, ValidationProblem, ProblemHttpResult>> VerifyOrder(
        VerifyOrderRequest request, OrderVerificationService verifications, CancellationToken cancellationToken)
    {
        if (VerifyOrderRules.Validate(request) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var result = await verifications.VerifyAsync(request, cancellationToken);
        return result.Status switch
        {
            VerificationStatus.Verified => TypedResults.Created($"/api/promotions/orders/{Uri.EscapeDataString(request.OrderId!)}", result.Response),
            VerificationStatus.Replayed => TypedResults.Ok(result.Response),
            VerificationStatus.Conflict => Problems.Conflict("Order already verified",
                $"Order {request.OrderId} was already verified against another quote."),
            _ => Problems.Unprocessable("Quote signature invalid",
                "The quote was not issued by this engine or was altered after it was issued; evaluate the cart again."),
        };
    }

    private static async Task<Results<Ok<OrderVerificationResponse>, ProblemHttpResult>> GetOrderVerification(
        string orderId, OrderVerificationService verifications, CancellationToken cancellationToken) =>
        VerifyOrderRules.IsValidOrderId(orderId) && await verifications.FindAsync(orderId, cancellationToken) is { } verification
            ? TypedResults.Ok(OrderVerificationResponse.From(verification))
            : Problems.NotFound("Order not verified", $"No verification exists for order {orderId}.");

    private static async Task<Results<Ok<OrderVerificationResponse>, ProblemHttpResult>> CancelOrder(
        string orderId, OrderVerificationService verifications, CancellationToken cancellationToken) =>
        VerifyOrderRules.IsValidOrderId(orderId) && await verifications.CancelAsync(orderId, cancellationToken) is { } cancelled
            ? TypedResults.Ok(cancelled)
            : Problems.NotFound("Order not verified", $"No verification exists for order {orderId}.");
}
