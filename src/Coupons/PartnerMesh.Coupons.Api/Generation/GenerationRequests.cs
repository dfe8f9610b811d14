using System.ComponentModel.DataAnnotations;
namespace PartnerMesh.Coupons.Api.Generation;

/// <summary><c>pattern</c>: <c>#</c> a digit, <c>?</c> a letter, <c>*</c> either, anything else literal.</summary>
public sealed record CreateGenerationJobRequest([Required] string? Pattern, string? Prefix, string? Suffix, [Required] int? Count, Guid? PartnerId);

public sealed record GenerationJobResponse(
    Guid Id, Guid CampaignId, string Pattern, string Prefix, string Suffix, int Count, int Generated, double Progress, string Status,
    string? Error, Guid? PartnerId, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt, string CodesCsv,
    string? CancelledBy)
{
    public static GenerationJobResponse From(GenerationJob job) => new(
        job.Id, job.CampaignId, job.Pattern, job.Prefix, job.Suffix, job.Count, job.Generated,
        Math.Round((double)job.Generated / job.Count, 4), job.Status, job.Error, job.PartnerId, job.CreatedAt, job.StartedAt, job.CompletedAt,
        $"/api/coupons/generation-jobs/{job.Id}/codes.csv", job.CancelledBy);
}
