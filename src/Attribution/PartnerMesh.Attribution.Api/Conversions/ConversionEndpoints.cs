using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using PartnerMesh.Attribution.Api.Common;
using PartnerMesh.Attribution.Api.Infrastructure;
using PartnerMesh.ServiceDefaults.Orders;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Attribution.Api.Conversions;

public static class ConversionEndpoints
{
    public static RouteGroupBuilder MapConversionEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/attribution/conversions")
            .WithTags("Conversions")
            .RequireAuthorization(PartnerMeshPolicies.Storefront);

        group.MapPost("/", RecordConversion).WithName(nameof(RecordConversion))
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/{orderId}", GetConversion).WithName(nameof(GetConversion)).ProducesProblem(StatusCodes.Status404NotFound);

        app.MapPost("/api/attribution/refunds", RecordRefund).WithName(nameof(RecordRefund)).WithTags("Conversions")
            .RequireAuthorization(PartnerMeshPolicies.Storefront)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        return group;
    }

    /// <summary>A completed order; idempotent by order id, and by <c>Idempotency-Key</c> when one is sent.</summary>
    private static async Task<Results<Created<ConversionResponse>, Ok<ConversionResponse>, ValidationProblem, ProblemHttpResult>> RecordConversion(
        RecordConversionRequest request, [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey, ClaimsPrincipal user,
        ConversionService conversions, AttributionDbContext db, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        // The one place the order time is read: to the microsecond, as it is stored, before anything compares it (an order at
        // 12:00:00.0000001 is 12:00:00.000000 for its window, its activeDays milestone and its replay alike).
        request = request with { OrderedAt = request.OrderedAt?.ForStorage() };
        if (ConversionRules.Validate(request, timeProvider.GetUtcNow()) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (IdempotencyKeys.Validate(idempotencyKey) is { } keyProblem)
        {
            return keyProblem;
        }

        var keyed = IdempotentRequest.Of(user, nameof(RecordConversion), idempotencyKey, request);
        return await db.CreateOnceAsync(keyed, timeProvider, async () => Answer(await conversions.RecordAsync(request, keyed, cancellationToken)), cancellationToken);

        Results<Created<ConversionResponse>, Ok<ConversionResponse>, ValidationProblem, ProblemHttpResult> Answer(ConversionResult result) => result.Outcome switch
        {
            ConversionOutcome.Created => TypedResults.Created(
                $"/api/attribution/conversions/{Uri.EscapeDataString(result.Response!.OrderId)}", result.Response),
            ConversionOutcome.Replayed => TypedResults.Ok(result.Response),
            ConversionOutcome.Conflict => Problems.Conflict(
                "Order already recorded",
                $"Order {request.OrderId} was already recorded with different facts: its {result.Differs} differs. A retry sends the same facts."),
            ConversionOutcome.UnknownProgram => Problems.Unprocessable("unknown program", $"No program has id {request.ProgramId}."),
            _ => Problems.Unprocessable("unknown click", $"No click has id {request.ClickId}."),
        };
    }

    private static async Task<Results<Ok<ConversionResponse>, ProblemHttpResult>> GetConversion(
        string orderId, ConversionService conversions, CancellationToken cancellationToken) =>
        OrderIds.IsValid(orderId) && await conversions.FindAsync(orderId, cancellationToken) is { } conversion
            ? TypedResults.Ok(ConversionResponse.From(conversion))
            : Problems.NotFound("Conversion not found", $"No conversion was recorded for order {orderId}.");

    /// <summary>A refund (partial or full) or cancellation of a recorded order; idempotent by refund id, and by <c>Idempotency-Key</c> when one is sent.</summary>
    private static async Task<Results<Created<RefundResponse>, Ok<RefundResponse>, ValidationProblem, ProblemHttpResult>> RecordRefund(
        RecordRefundRequest request, [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey, ClaimsPrincipal user,
        RefundService refunds, AttributionDbContext db, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (ConversionRules.Validate(request, timeProvider.GetUtcNow()) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (IdempotencyKeys.Validate(idempotencyKey) is { } keyProblem)
        {
            return keyProblem;
        }

        var keyed = IdempotentRequest.Of(user, nameof(RecordRefund), idempotencyKey, request);
        return await db.CreateOnceAsync(keyed, timeProvider, async () => Answer(await refunds.RecordAsync(request, keyed, cancellationToken)), cancellationToken);

        Results<Created<RefundResponse>, Ok<RefundResponse>, ValidationProblem, ProblemHttpResult> Answer(RefundResult result) => result.Outcome switch
        {
            RefundOutcome.Created => TypedResults.Created($"/api/attribution/refunds/{Uri.EscapeDataString(request.RefundId!)}", result.Response),
            RefundOutcome.Replayed => TypedResults.Ok(result.Response),
            RefundOutcome.Conflict => Problems.Conflict("Refund already recorded", result.Detail),
            RefundOutcome.UnknownOrder => Problems.NotFound("Order not found", $"No conversion was recorded for order {request.OrderId}."),
            RefundOutcome.AlreadyFullyRefunded => Problems.Conflict("Order already fully refunded", result.Detail),
            RefundOutcome.CurrencyMismatch => Problems.Unprocessable("Currency mismatch", result.Detail),
            RefundOutcome.BeforeOrder => TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["refundedAt"] = [result.Detail!] }, result.Detail),
            RefundOutcome.CancellationNotWhole => Problems.Unprocessable("Cancellation must take the whole remaining amount", result.Detail),
            _ => Problems.Unprocessable("Refund exceeds the order", result.Detail),
        };
    }
}
