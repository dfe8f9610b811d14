using Microsoft.AspNetCore.Http.HttpResults;
using PartnerMesh.Coupons.Api.Campaigns;
using PartnerMesh.Coupons.Api.Checkout;
using PartnerMesh.Coupons.Api.Generation;
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

    /// <summary>
    /// A partner code (or a generation job's codes) for a partner the campaign is not restricted to: every use would answer
    /// <c>not_for_partner</c>, since a partner code's sales attribute to its partner. Null when the partner may have it.
    /// </summary>
    public static ProblemHttpResult? PartnerNotInCampaign(Campaign campaign, Guid? partnerId) =>
        campaign.PartnerIds.Length > 0 && partnerId is { } partner && !campaign.PartnerIds.Contains(partner)
            ? Problems.Refused(StatusCodes.Status422UnprocessableEntity, CouponReasons.NotForPartner, "Partner not in the campaign",
                $"Campaign {campaign.Id} is restricted to partners {string.Join(", ", campaign.PartnerIds)}; a code of partner {partner} could never be used "
                + "(its sales attribute to its partner). Add the partner to partnerIds in a new campaign, or give the code to a listed partner.")
            : null;

    public static ProblemHttpResult CodeRetired(string code) =>
        Problems.Refused(StatusCodes.Status409Conflict, CouponReasons.Retired, "Code already retired", $"The code {code} was already rotated.");

    public static ProblemHttpResult CodeDisabled(string code) =>
        Problems.Refused(StatusCodes.Status409Conflict, CouponReasons.Disabled, "Code disabled",
            $"The code {code} was disabled with its cancelled generation job; it is not rotated.");

    public static ProblemHttpResult JobFinished(Guid id, string status) =>
        Problems.Refused(StatusCodes.Status409Conflict, status == GenerationStatuses.Failed ? CouponReasons.JobFailed : CouponReasons.JobCompleted,
            "Generation job already finished", $"Generation job {id} is {status}; only a queued or running job can be cancelled.");

    public static ProblemHttpResult JobNotCancellable(Guid id) =>
        Problems.Refused(StatusCodes.Status409Conflict, CouponReasons.JobNotCancellable, "Offer pool jobs cannot be cancelled",
            $"Generation job {id} replenishes an offer pool; its codes are issued to customers as they are made.");

    public static ProblemHttpResult JobCancelled(Guid id) =>
        Problems.Refused(StatusCodes.Status409Conflict, CouponReasons.JobCancelled, "Generation job cancelled",
            $"Generation job {id} was cancelled and its codes disabled; there are no codes to hand out.");
}
