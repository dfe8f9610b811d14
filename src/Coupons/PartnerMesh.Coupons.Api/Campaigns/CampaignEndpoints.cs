using PartnerMesh.ServiceDefaults.WebApi;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using PartnerMesh.Contracts.Codes;
using PartnerMesh.Coupons.Api.Checkout;
using PartnerMesh.Coupons.Api.Offers;
using PartnerMesh.Coupons.Api.Codes;
using PartnerMesh.Coupons.Api.Common;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.Coupons.Api.Campaigns;

public static class CampaignEndpoints
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;
    internal const string CampaignsList = "coupons.campaigns";

    public static RouteGroupBuilder MapCampaignEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/coupons").WithTags("Campaigns").RequireAuthorization(PartnerMeshPolicies.Admin);

        group.MapPost("/campaigns", CreateCampaign).WithName(nameof(CreateCampaign)).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/campaigns", ListCampaigns).WithName(nameof(ListCampaigns));
        group.MapGet("/campaigns/{id:guid}", GetCampaign).WithName(nameof(GetCampaign));
        group.MapPut("/campaigns/{id:guid}", UpdateCampaign).WithName(nameof(UpdateCampaign)).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status428PreconditionRequired);
        group.MapGet("/campaigns/{id:guid}/stats", GetCampaignStats).WithName(nameof(GetCampaignStats));
        group.MapGet("/campaigns/{id:guid}/offer-pool", GetOfferPool).WithName(nameof(GetOfferPool));
        group.MapPost("/campaigns/{id:guid}/codes", CreateCode).WithName(nameof(CreateCode)).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/codes/{code}", GetCode).WithName(nameof(GetCode));
        group.MapPost("/codes/{code}/rotation", RotateCode).WithName(nameof(RotateCode)).ProducesProblem(StatusCodes.Status409Conflict);

        return group;
    }

    /// <summary>With an <c>Idempotency-Key</c>, the same request again answers 200 with the campaign it created.</summary>
    private static async Task<Results<Created<CampaignResponse>, Ok<CampaignResponse>, ValidationProblem, ProblemHttpResult>> CreateCampaign(
        CreateCampaignRequest request, [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey, CampaignService campaigns,
        ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if ((CampaignRules.Validate(request) is { } errors ? TypedResults.ValidationProblem(errors) : IdempotencyKeys.Validate(idempotencyKey)) is { } invalid)
        {
            return invalid;
        }

        var (outcome, campaign) = await campaigns.CreateAsync(request, idempotencyKey, user, cancellationToken);
        return outcome switch
        {
            IdempotencyOutcome.Claimed => TypedResults.Created($"/api/coupons/campaigns/{campaign!.Id}", campaign),
            IdempotencyOutcome.Replayed => TypedResults.Ok(campaign!),
            _ => AdminProblems.KeyReused(),
        };
    }

    private static async Task<Results<Ok<CampaignPage>, ValidationProblem>> ListCampaigns(
        CampaignService campaigns, CancellationToken cancellationToken, int limit = DefaultLimit, string? after = null)
    {
        if (Paging.Validate(CampaignsList, limit, after, out _, out var afterId) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return TypedResults.Ok(await campaigns.ListAsync(limit, afterId, cancellationToken));
    }

    /// <summary>The campaign, with its version as <c>ETag</c> (send it as <c>If-Match</c> when editing).</summary>
    private static async Task<Results<Ok<CampaignResponse>, ProblemHttpResult>> GetCampaign(
        Guid id, CampaignService campaigns, HttpResponse response, CancellationToken cancellationToken)
    {
        if (await campaigns.FindAsync(id, cancellationToken) is not { } campaign)
        {
            return CampaignNotFound(id);
        }

        response.Headers.ETag = ETag(campaign.Version);
        return TypedResults.Ok(CampaignResponse.From(campaign));
    }

    /// <summary>
    /// Edits the name, the validity window, the abandoned-cart offer policy (but its pool) and the leak policy; the other
    /// fields are fixed at creation (sent changed: 400 naming them). <c>If-Match</c> with the ETag read is required (428
    /// without it): an edit made from an older read is refused with 412, so no edit overwrites another unseen.
    /// </summary>
    private static async Task<Results<Ok<CampaignResponse>, ValidationProblem, ProblemHttpResult>> UpdateCampaign(
        Guid id, UpdateCampaignRequest request, [FromHeader(Name = "If-Match")] string? ifMatch, CampaignService campaigns, HttpResponse response,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        CampaignRules.CheckName(request.Name, errors);
        var expected = VersionPrecondition.Read(ifMatch, "campaign", errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (ifMatch is null)
        {
            return Problems.Refused(StatusCodes.Status428PreconditionRequired, CouponReasons.IfMatchRequired, "If-Match required",
                "Send the campaign's ETag as read (GET /api/coupons/campaigns/{id}) as If-Match, so an edit never overwrites another unseen; * edits whatever the version.");
        }

        var update = await campaigns.UpdateAsync(id, request, expected, cancellationToken);
        switch (update.Outcome)
        {
            case CampaignUpdateOutcome.NotFound:
                return CampaignNotFound(id);
            case CampaignUpdateOutcome.Invalid:
                return TypedResults.ValidationProblem(update.Errors!);
            case CampaignUpdateOutcome.PreconditionFailed:
                response.Headers.ETag = ETag(update.Campaign!.Version);
                return Problems.Refused(StatusCodes.Status412PreconditionFailed, CouponReasons.CampaignChanged, "Campaign changed meanwhile",
                    $"Campaign {id} is at version {update.Campaign.Version}, {VersionPrecondition.Describe(expected!)}: read it again and edit that.");
            default:
                response.Headers.ETag = ETag(update.Campaign!.Version);
                return TypedResults.Ok(update.Campaign);
        }
    }

    private static string ETag(int version) => $"\"{version}\"";

    private static async Task<Results<Ok<CampaignStats>, ProblemHttpResult>> GetCampaignStats(
        Guid id, CampaignService campaigns, CancellationToken cancellationToken) =>
        await campaigns.FindAsync(id, cancellationToken) is { } campaign
            ? TypedResults.Ok(await campaigns.StatsAsync(campaign, cancellationToken))
            : CampaignNotFound(id);

    /// <summary>The campaign's pool of pre-generated offer codes; 404 when the campaign keeps none.</summary>
    private static async Task<Results<Ok<OfferPoolResponse>, ProblemHttpResult>> GetOfferPool(
        Guid id, CampaignService campaigns, CancellationToken cancellationToken)
    {
        if (await campaigns.FindAsync(id, cancellationToken) is not { } campaign)
        {
            return CampaignNotFound(id);
        }

        return await campaigns.OfferPoolAsync(campaign, cancellationToken) is { } pool
            ? TypedResults.Ok(pool)
            : Problems.NotFound("No offer pool", $"Campaign {id} keeps no offer pool (abandonedCart.poolSize).");
    }

    /// <summary>With an <c>Idempotency-Key</c>, the same request again answers 200 with the code it created.</summary>
    private static async Task<Results<Created<CodeResponse>, Ok<CodeResponse>, ValidationProblem, ProblemHttpResult>> CreateCode(
        Guid id, CreateCodeRequest request, [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey, CampaignService campaigns,
        CancellationToken cancellationToken)
    {
        if ((CampaignRules.Validate(request, out var code) is { } errors ? TypedResults.ValidationProblem(errors) : IdempotencyKeys.Validate(idempotencyKey)) is { } invalid)
        {
            return invalid;
        }

        if (await campaigns.FindAsync(id, cancellationToken) is not { } campaign)
        {
            return CampaignNotFound(id);
        }

        if (AdminProblems.PartnerNotInCampaign(campaign, request.PartnerId) is { } notListed)
        {
            return notListed;
        }

        return await campaigns.AddCodeAsync(campaign, code, request, idempotencyKey, cancellationToken) switch
        {
            (IdempotencyOutcome.Claimed, { } created) => TypedResults.Created($"/api/coupons/codes/{created.Code}", created),
            (IdempotencyOutcome.Replayed, { } created) => TypedResults.Ok(created),
            (IdempotencyOutcome.Mismatch, _) => AdminProblems.KeyReused(),
            _ => AdminProblems.CodeExists($"The code {code} already exists; codes are unique across campaigns (case-insensitively)."),
        };
    }

    private static async Task<Results<Ok<CodeResponse>, ValidationProblem, ProblemHttpResult>> GetCode(
        string code, CampaignService campaigns, CancellationToken cancellationToken)
    {
        if (!CouponCodeFormat.TryNormalize(code, out var normalized))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["code"] = [CouponCodeFormat.Rule] });
        }

        return await campaigns.FindCodeAsync(normalized, cancellationToken) is { } found
            ? TypedResults.Ok(found)
            : Problems.NotFound("Code not found", $"No code {normalized} exists.");
    }

    /// <summary>Retires a (leaked) code and issues its replacement for the same partner.</summary>
    private static async Task<Results<Created<RotationResponse>, Ok<RotationResponse>, ValidationProblem, ProblemHttpResult>> RotateCode(
        string code, RotateCodeRequest? request, [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey, CampaignService campaigns,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!CouponCodeFormat.TryNormalize(code, out var normalized))
        {
            errors["code"] = [CouponCodeFormat.Rule];
        }

        string? replacement = null;
        if (request?.Code is { } wanted && !CouponCodeFormat.TryNormalize(wanted, out replacement))
        {
            errors["replacement"] = [CouponCodeFormat.Rule];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (IdempotencyKeys.Validate(idempotencyKey) is { } invalidKey)
        {
            return invalidKey;
        }

        var (outcome, rotation) = await campaigns.RotateAsync(normalized, replacement, idempotencyKey, cancellationToken);
        return outcome switch
        {
            RotationOutcome.Rotated => TypedResults.Created($"/api/coupons/codes/{rotation!.Replacement.Code}", rotation),
            RotationOutcome.Replayed => TypedResults.Ok(rotation!),
            RotationOutcome.KeyReused => AdminProblems.KeyReused(),
            RotationOutcome.NotFound => Problems.NotFound("Code not found", $"No code {normalized} exists."),
            RotationOutcome.AlreadyRetired => AdminProblems.CodeRetired(normalized),
            RotationOutcome.Disabled => AdminProblems.CodeDisabled(normalized),
            _ => AdminProblems.CodeExists($"The replacement {replacement} already exists."),
        };
    }

    private static ProblemHttpResult CampaignNotFound(Guid id) => Problems.NotFound("Campaign not found", $"No campaign {id} exists.");
}
