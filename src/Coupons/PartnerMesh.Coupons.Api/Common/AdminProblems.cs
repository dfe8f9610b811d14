using Microsoft.AspNetCore.Http.HttpResults;
using PartnerMesh.Coupons.Api.Checkout;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Coupons.Api.Common;

/// <summary>The admin calls' refusals, each with the machine-readable <c>reason</c> every coupons refusal carries.</summary>
public static class AdminProblems
{
    public static ProblemHttpResult KeyReused() =>
        Problems.Refused(StatusCodes.Status409Conflict, CouponReasons.IdempotencyKeyReused, "Idempotency key reused",
            $"This {IdempotencyKeys.Header} was already used with a different request; send a new key for a new request.");

    public static ProblemHttpResult CodeExists(string detail) =>
        Problems.Refused(StatusCodes.Status409Conflict, CouponReasons.CodeExists, "Code already exists", detail);

    public static ProblemHttpResult CodeRetired(string code) =>
        Problems.Refused(StatusCodes.Status409Conflict, CouponReasons.Retired, "Code already retired", $"The code {code} was already rotated.");
}
