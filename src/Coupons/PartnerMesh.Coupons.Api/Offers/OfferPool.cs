using Microsoft.EntityFrameworkCore;
using PartnerMesh.Contracts.Coupons;
using PartnerMesh.Coupons.Api.Campaigns;
using PartnerMesh.Coupons.Api.Codes;
using PartnerMesh.Coupons.Api.Generation;
using PartnerMesh.Coupons.Api.Infrastructure;
using PartnerMesh.Outbox;

namespace PartnerMesh.Coupons.Api.Offers;

/// <summary>
/// A campaign's pool of pre-generated personal codes. Issuing takes the oldest free code with <c>FOR UPDATE SKIP LOCKED</c>
/// (two instances issuing at once take different codes, without waiting on each other). When fewer than the low-water
/// mark are left, one replenishment job refills the pool and <see cref="CouponPoolLow"/> is published — once per
/// replenishment: no second job is queued while one is still queued or running (checked under a per-campaign lock).
/// </summary>
public sealed class OfferPool(CouponsDbContext db)
{
    public const string Pattern = "**********";

    public static GenerationJob ReplenishmentJob(Campaign campaign, int count, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        CampaignId = campaign.Id,
        Kind = CodeSources.Pool,
        Pattern = Pattern,
        Prefix = OfferService.CodePrefix,
        Count = count,
        MaxUsesPerCode = 1,
        Status = GenerationStatuses.Queued,
        CreatedAt = now,
        CreatedBy = "offer-pool",
    };

    /// <summary>Issues a free pool code to the customer, or null when the pool is empty. Inside the caller's transaction.</summary>
    public async Task<CouponCode?> TryIssueAsync(
        Campaign campaign, string customerKey, string? customerEmailKey, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var issued = await db.Codes.FromSql($"""
            UPDATE coupon_codes SET customer_key = {customerKey}, customer_email_key = {customerEmailKey}, expires_at = {expiresAt}, assigned_at = {now}
            WHERE id = (SELECT id FROM coupon_codes
                        WHERE campaign_id = {campaign.Id} AND source = 'pool' AND customer_key IS NULL AND retired_at IS NULL
                        ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING *
            """).AsNoTracking().ToListAsync(cancellationToken);
        return issued.Count == 0 ? null : issued[0];
    }

    public Task<int> AvailableAsync(Guid campaignId, CancellationToken cancellationToken) =>
        db.Codes.CountAsync(code => code.CampaignId == campaignId && code.Source == CodeSources.Pool && code.CustomerKey == null
            && code.RetiredAt == null, cancellationToken);

    /// <summary>Queues a replenishment when the pool is low and none is under way. Inside the caller's transaction.</summary>
    public async Task<GenerationJob?> ReplenishIfLowAsync(Campaign campaign, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (campaign is not { OfferPoolSize: { } size, OfferPoolLowWatermark: { } watermark })
        {
            return null;
        }

        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({$"pool:{campaign.Id:N}"}, 0))", cancellationToken);
        var available = await AvailableAsync(campaign.Id, cancellationToken);
        if (available >= watermark || await db.GenerationJobs.AnyAsync(job => job.CampaignId == campaign.Id && job.Kind == CodeSources.Pool
                && (job.Status == GenerationStatuses.Queued || job.Status == GenerationStatuses.Running), cancellationToken))
        {
            return null;
        }

        var job = ReplenishmentJob(campaign, size - available, now);
        db.GenerationJobs.Add(job);
        db.AddIntegrationEvent(new CouponPoolLow
        {
            EventId = Guid.CreateVersion7(now),
            OccurredAt = now,
            CampaignId = campaign.Id,
            PromotionId = campaign.PromotionId,
            Available = available,
            LowWatermark = watermark,
            PoolSize = size,
            Replenishing = job.Count,
            GenerationJobId = job.Id,
        });
        return job;
    }
}

/// <summary>A campaign's pool as the admin API shows it.</summary>
public sealed record OfferPoolResponse(Guid CampaignId, int PoolSize, int LowWatermark, int Available, bool Replenishing);
