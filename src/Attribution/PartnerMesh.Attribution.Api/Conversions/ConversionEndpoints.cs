using Microsoft.AspNetCore.Http.HttpResults;
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

    private static async Task<Results<Created<ConversionResponse>, Ok<ConversionResponse>, ValidationProblem, ProblemHttpResult>> RecordConversion(
        RecordConversionRequest request, ConversionService conversions, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (ConversionRules.Validate(request, timeProvider.GetUtcNow()) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var result = await conversions.RecordAsync(request, cancellationToken);
        return result.Outcome switch
        {
            ConversionOutcome.Created => TypedResults.Created(
                $"/api/attribution/conversions/{Uri.EscapeDataString(result.Response!.OrderId)}", result.Response),
            ConversionOutcome.Replayed => TypedResults.Ok(result.Response),
            ConversionOutcome.Conflict => Problems.Conflict(
                "Order already recorded",
                $"Order {request.OrderId} was already recorded with a different amount, currency or click."),
            ConversionOutcome.UnknownProgram => Problems.Unprocessable("unknown program", $"No program has id {request.ProgramId}."),
            _ => Problems.Unprocessable("unknown click", $"No click has id {request.ClickId}."),
        };
    }

    private static async Task<Results<Ok<ConversionResponse>, ProblemHttpResult>> GetConversion(
        string orderId, ConversionService conversions, CancellationToken cancellationToken) =>
        ConversionRules.IsValidOrderId(orderId) && await conversions.FindAsync(orderId, cancellationToken) is { } conversion
            ? TypedResults.Ok(ConversionResponse.From(conversion))
            : Problems.NotFound("Conversion not found", $"No conversion was recorded for order {orderId}.");

    /// <summary>A refund (partial or full) or cancellation of a recorded order; idempotent by refund id.</summary>
    private static async Task<Results<Created<RefundResponse>, Ok<RefundResponse>, ValidationProblem, ProblemHttpResult>> RecordRefund(
        RecordRefundRequest request, RefundService refunds, CancellationToken cancellationToken)
    {
        if (ConversionRules.Validate(request) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var result = await refunds.RecordAsync(request, cancellationToken);
        return result.Outcome switch
        {
            RefundOutcome.Created => TypedResults.Created($"/api/attribution/refunds/{Uri.EscapeDataString(request.RefundId!)}", result.Response),
            RefundOutcome.Replayed => TypedResults.Ok(result.Response),
            RefundOutcome.Conflict => Problems.Conflict("Refund already recorded", result.Detail),
            RefundOutcome.UnknownOrder => Problems.NotFound("Order not found", $"No conversion was recorded for order {request.OrderId}."),
            RefundOutcome.AlreadyFullyRefunded => Problems.Conflict("Order already fully refunded", result.Detail),
            RefundOutcome.CurrencyMismatch => Problems.Unprocessable("Currency mismatch", result.Detail),
            _ => Problems.Unprocessable("Refund exceeds the order", result.Detail),
        };
    }
}
