using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using PartnerMesh.Attribution.Api.Common;
using PartnerMesh.Attribution.Api.Infrastructure;
using PartnerMesh.ServiceDefaults.Orders;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Attribution.Api.Leads;

public static class LeadEndpoints
{
    public static RouteGroupBuilder MapLeadEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/attribution/leads").WithTags("Leads").RequireAuthorization(PartnerMeshPolicies.Storefront);
        group.MapPost("/", RecordLead).WithName(nameof(RecordLead))
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/{leadId}", GetLead).WithName(nameof(GetLead)).ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    /// <summary>A lead (sign-up, subscription...) the storefront captured; idempotent by lead id, and by <c>Idempotency-Key</c> when one is sent.</summary>
    private static async Task<Results<Created<LeadResponse>, Ok<LeadResponse>, ValidationProblem, ProblemHttpResult>> RecordLead(
        RecordLeadRequest request, [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey, ClaimsPrincipal user,
        LeadService leads, AttributionDbContext db, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (LeadRules.Validate(request, timeProvider.GetUtcNow()) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (IdempotencyKeys.Validate(idempotencyKey) is { } keyProblem)
        {
            return keyProblem;
        }

        var keyed = IdempotentRequest.Of(user, nameof(RecordLead), idempotencyKey, request);
        return await db.CreateOnceAsync(keyed, timeProvider, async () => Answer(await leads.RecordAsync(request, keyed, cancellationToken)), cancellationToken);

        Results<Created<LeadResponse>, Ok<LeadResponse>, ValidationProblem, ProblemHttpResult> Answer(LeadResult result) => result.Outcome switch
        {
            LeadOutcome.Created => TypedResults.Created($"/api/attribution/leads/{Uri.EscapeDataString(result.Response!.LeadId)}", result.Response),
            LeadOutcome.Replayed => TypedResults.Ok(result.Response),
            LeadOutcome.Conflict => Problems.Conflict("Lead already recorded", $"Lead {request.LeadId} was already recorded with a different click."),
            _ => Problems.Unprocessable("unknown click", $"No click has id {request.ClickId}."),
        };
    }

    private static async Task<Results<Ok<LeadResponse>, ProblemHttpResult>> GetLead(string leadId, LeadService leads, CancellationToken cancellationToken) =>
        OrderIds.IsValid(leadId) && await leads.FindAsync(leadId, cancellationToken) is { } lead
            ? TypedResults.Ok(LeadResponse.From(lead))
            : Problems.NotFound("Lead not found", $"No lead was recorded with id {leadId}.");
}
