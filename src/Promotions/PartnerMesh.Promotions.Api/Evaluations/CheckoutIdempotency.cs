using PartnerMesh.ServiceDefaults.Security;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using PartnerMesh.Promotions.Api.Common;
using PartnerMesh.Promotions.Api.EvaluationLog;
using PartnerMesh.Promotions.Api.Idempotency;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Promotions.Api.Evaluations;

/// <summary>
/// A checkout evaluation with an <c>Idempotency-Key</c>: the first request evaluates and reserves; a retry of the same
/// request — concurrent or later, until the quote expires — gets that answer again byte for byte (the same quote, the
/// same reservation) and reserves nothing; the key with another request is a 409. Without a key, or away from checkout
/// (nothing is reserved there), evaluations never come here.
/// </summary>
public static class CheckoutIdempotency
{
    public static async Task<Results<Ok<EvaluationResponse>, ContentHttpResult, ValidationProblem, ProblemHttpResult>> EvaluateOnceAsync(
        EvaluateRequest request, string idempotencyKey, EvaluationService evaluations, EvaluationLogRecorder log, HttpContext context,
        CancellationToken cancellationToken)
    {
        if (IdempotencyKeys.Validate(idempotencyKey) is { } keyProblem)
        {
            return keyProblem;
        }

        var keys = context.RequestServices.GetRequiredService<IdempotentRequests>();
        await using var claim = await keys.ClaimAsync(
            IdempotentOperations.CheckoutEvaluation, Actor.Of(context.User), idempotencyKey, IdempotencyKeys.Fingerprint(request), cancellationToken);
        if (claim.Earlier is { } earlier)
        {
            return claim.IsRetry
                ? TypedResults.Text(earlier.Response, "application/json", Encoding.UTF8)
                : IdempotencyKeys.Reused();
        }

        EvaluationResponse response;
        try
        {
            // Not cancellable once the key is held: a storefront that gave up waiting retries, and the retry must find this
            // answer (and its reservation) rather than reserve again.
            response = await evaluations.EvaluateAsync(request, CancellationToken.None);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            log.Failed(request, exception);
            throw;
        }

        var json = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        await claim.CompleteAsync(JsonSerializer.Serialize(response, json), response.Quote!.ExpiresAt);
        return TypedResults.Ok(response);
    }
}
