using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.ServiceDefaults.WebApi;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Contracts.Coupons;
using PartnerMesh.Coupons.Api.Checkout;
using PartnerMesh.Coupons.Api.Codes;
using PartnerMesh.Coupons.Api.Common;
using PartnerMesh.Coupons.Api.Generation;
using PartnerMesh.Coupons.Api.Offers;
using PartnerMesh.Coupons.Api.Infrastructure;
using PartnerMesh.Coupons.Api.Infrastructure.Configurations;
using PartnerMesh.Data;
using PartnerMesh.Outbox;

namespace PartnerMesh.Coupons.Api.Campaigns;

/// <summary>Campaigns, their single codes and their usage statistics (admin).</summary>
public sealed class CampaignService(
    CouponsDbContext db, UsageLedger ledger, TimeProvider timeProvider, GenerationSignal generationSignal, CodeChangeNotifier codeChanges)
{
    private static readonly CodePattern RotationPattern = CodePattern.TryParse("****-****", null, null, out _)!;

    private sealed record StatsRow(int? Uses, int Held, int Released, int Redeemed, int Cancelled, int Refunded, int PartiallyRefunded, int Codes, int LeakSuspected);

    public async Task<(IdempotencyOutcome Outcome, CampaignResponse? Campaign)> CreateAsync(
        CreateCampaignRequest request, string? idempotencyKey, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var now = Clock.Now(timeProvider);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var id = Guid.CreateVersion7(now);
        if (idempotencyKey is not null
            && await db.ClaimAsync("create-campaign", idempotencyKey, IdempotencyKeys.Fingerprint(request), id, now, cancellationToken) is var (outcome, earlier)
            && outcome != IdempotencyOutcome.Claimed)
        {
            return (outcome, outcome == IdempotencyOutcome.Replayed
                ? CampaignResponse.From(await db.Campaigns.AsNoTracking().SingleAsync(campaign => campaign.Id == earlier, cancellationToken))
                : null);
        }

        var campaign = new Campaign
        {
            Id = id,
            Name = request.Name!.Trim(),
            PromotionId = request.PromotionId!.Value,
            MaxUses = request.MaxUses,
            MaxUsesPerCode = request.MaxUsesPerCode,
            MaxUsesPerCustomer = request.MaxUsesPerCustomer,
            MaxUsesPerPartner = request.MaxUsesPerPartner,
            MinimumCartValue = request.MinimumCartValue,
            Currency = request.Currency is null ? null : CheckoutRules.NormalizeCurrency(request.Currency),
            Stackable = request.Stackable ?? false,
            RequireReservation = request.RequireReservation ?? true,
            PartnerIds = [.. (request.PartnerIds ?? []).Distinct().Order()],
            OfferPoolSize = request.AbandonedCart?.PoolSize,
            OfferPoolLowWatermark = request.AbandonedCart?.PoolSize is { } poolSize ? request.AbandonedCart.PoolLowWatermark ?? poolSize / 5 : null,
            CreatedAt = now,
            CreatedBy = Actor.Of(user),
        };
        ApplyEditable(campaign, request.Name!, request.StartsAt, request.EndsAt, request.AbandonedCart, request.Leaks);
        db.Campaigns.Add(campaign);
        if (campaign.OfferPoolSize is { } size)
        {
            db.GenerationJobs.Add(OfferPool.ReplenishmentJob(campaign, size, now));
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (campaign.OfferPoolSize is not null)
        {
            generationSignal.Notify();
        }

        return (IdempotencyOutcome.Claimed, CampaignResponse.From(campaign));
    }

    /// <summary>
    /// Edits a campaign under its row lock, so concurrent edits take turns and the second finds the first's version
    /// (<paramref name="expectedVersions"/>, from <c>If-Match</c>: null accepts any). The offer scheduler reads the
    /// campaigns of the offers it issues under a share lock, so once this commits no offer of a campaign switched off or
    /// ended goes out. Validation's cached code definitions are cleared here and, through Redis, on every instance.
    /// </summary>
    public async Task<CampaignUpdate> UpdateAsync(
        Guid id, UpdateCampaignRequest request, IReadOnlyList<int>? expectedVersions, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var campaign = await db.Campaigns.FromSql($"SELECT * FROM coupon_campaigns WHERE id = {id} FOR NO KEY UPDATE").SingleOrDefaultAsync(cancellationToken);
        if (campaign is null)
        {
            return new(CampaignUpdateOutcome.NotFound);
        }

        if (CampaignRules.Validate(request, campaign) is { } errors)
        {
            return new(CampaignUpdateOutcome.Invalid, Errors: errors);
        }

        if (!VersionPrecondition.Matches(expectedVersions, campaign.Version))
        {
            return new(CampaignUpdateOutcome.PreconditionFailed, CampaignResponse.From(campaign));
        }

        ApplyEditable(campaign, request.Name!, request.StartsAt, request.EndsAt, request.AbandonedCart, request.Leaks);
        campaign.Version++;
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await codeChanges.ChangedAsync($"campaign:{campaign.Id}");
        return new(CampaignUpdateOutcome.Updated, CampaignResponse.From(campaign));
    }

    /// <summary>The fields an edit may change, set as creation sets them (a field left out takes its creation default).</summary>
    private static void ApplyEditable(
        Campaign campaign, string name, DateTimeOffset? startsAt, DateTimeOffset? endsAt, AbandonedCartPolicy? abandonedCart, LeakPolicy? leaks)
    {
        campaign.Name = name.Trim();
        // PostgreSQL's timestamptz takes UTC only and keeps microseconds: the answer is then what a GET reads back.
        campaign.StartsAt = startsAt is { } start ? StorageTime.Truncate(start) : null;
        campaign.EndsAt = endsAt is { } end ? StorageTime.Truncate(end) : null;
        campaign.AbandonedCartOffers = abandonedCart?.Enabled ?? false;
        campaign.OfferValidity = abandonedCart is null ? null : TimeSpan.FromHours(abandonedCart.ExpiresAfterHours ?? 72);
        campaign.OfferCooldown = abandonedCart is null ? null : TimeSpan.FromHours(abandonedCart.CooldownHours ?? 168);
        campaign.OfferMinimumCartTotal = abandonedCart?.MinimumCartTotal;
        campaign.OfferDelay = abandonedCart?.DelayMinutes is { } delay ? TimeSpan.FromMinutes(delay) : null;
        campaign.AutoRotateLeakedCodes = leaks?.AutoRotate ?? false;
        campaign.RotateAfterLeaks = leaks?.AutoRotate == true ? leaks.RotateAfter ?? 1 : null;
    }

    public Task<Campaign?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        db.Campaigns.AsNoTracking().SingleOrDefaultAsync(campaign => campaign.Id == id, cancellationToken);

    public async Task<CampaignPage> ListAsync(int limit, Guid? after, CancellationToken cancellationToken)
    {
        var campaigns = await db.Campaigns.AsNoTracking().Where(campaign => after == null || campaign.Id > after)
            .OrderBy(campaign => campaign.Id).Take(limit + 1).ToListAsync(cancellationToken);
        var items = campaigns.Count > limit ? campaigns[..limit] : campaigns;
        return new CampaignPage([.. items.Select(CampaignResponse.From)], campaigns.Count > limit ? Paging.EncodeCursor(CampaignEndpoints.CampaignsList, items[^1].Id) : null);
    }

    /// <summary>Adds a code to a campaign; a null code when it already exists (in any campaign).</summary>
    public async Task<(IdempotencyOutcome Outcome, CodeResponse? Code)> AddCodeAsync(
        Campaign campaign, string code, CreateCodeRequest request, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var now = Clock.Now(timeProvider);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var id = Guid.CreateVersion7(now);
        if (idempotencyKey is not null
            && await db.ClaimAsync("create-code", idempotencyKey, IdempotencyKeys.Fingerprint(new { campaignId = campaign.Id, request }), id, now, cancellationToken)
                is var (outcome, earlier)
            && outcome != IdempotencyOutcome.Claimed)
        {
            return (outcome, outcome == IdempotencyOutcome.Replayed ? await FindCodeAsync(earlier, cancellationToken) : null);
        }

        var coupon = new CouponCode
        {
            Id = id,
            CampaignId = campaign.Id,
            Code = code,
            PartnerId = request.PartnerId,
            MaxUses = request.MaxUses ?? campaign.MaxUsesPerCode,
            Source = CodeSources.Manual,
            CreatedAt = now,
        };
        db.Codes.Add(coupon);
        db.AddIntegrationEvent(Issued(coupon, campaign, now));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation(CouponCodeConfiguration.CodeIndex))
        {
            db.ChangeTracker.Clear();
            return (IdempotencyOutcome.Claimed, null); // rolled back with the key: nothing was created
        }

        await transaction.CommitAsync(cancellationToken);
        return (IdempotencyOutcome.Claimed, CodeResponse.From(coupon, campaign.PromotionId, 0));
    }

    /// <summary>
    /// Retires a code and issues its replacement (same campaign and partner, the uses left of its limit) in one transaction. Null when the code
    /// is unknown; <see cref="RotationOutcome.AlreadyRetired"/>, <see cref="RotationOutcome.Disabled"/> or <see cref="RotationOutcome.CodeTaken"/>
    /// otherwise refused.
    /// Reservations already held on the old code can still be redeemed.
    /// </summary>
    public async Task<(RotationOutcome Outcome, RotationResponse? Response)> RotateAsync(
        string code, string? replacement, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var now = Clock.Now(timeProvider);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var freshId = Guid.CreateVersion7(now);
        if (idempotencyKey is not null
            && await db.ClaimAsync("rotate-code", idempotencyKey, IdempotencyKeys.Fingerprint(new { code, replacement }), freshId, now, cancellationToken)
                is var (outcome, earlier)
            && outcome != IdempotencyOutcome.Claimed)
        {
            return outcome == IdempotencyOutcome.Replayed
                ? (RotationOutcome.Replayed, new RotationResponse(
                    (await FindCodeAsync(db.Codes.AsNoTracking().Where(retired => retired.ReplacedById == earlier), cancellationToken))!,
                    (await FindCodeAsync(earlier, cancellationToken))!))
                : (RotationOutcome.KeyReused, null);
        }

        var old = await db.Codes.FromSql($"SELECT * FROM coupon_codes WHERE code = {code} FOR UPDATE").AsNoTracking().SingleOrDefaultAsync(cancellationToken);
        if (old is null)
        {
            return (RotationOutcome.NotFound, null);
        }

        if (old.RetiredAt is not null)
        {
            return (RotationOutcome.AlreadyRetired, null);
        }

        // A disabled code's replacement would put a cancelled job's code back into circulation.
        if (old.DisabledAt is not null)
        {
            return (RotationOutcome.Disabled, null);
        }

        var campaign = await db.Campaigns.AsNoTracking().SingleAsync(campaign => campaign.Id == old.CampaignId, cancellationToken);
        var fresh = new CouponCode
        {
            Id = freshId,
            CampaignId = old.CampaignId,
            Code = replacement ?? RotationPattern.Next(),
            PartnerId = old.PartnerId,
            MaxUses = await CodeRotation.RemainingUsesAsync(ledger, old, now, cancellationToken),
            Source = CodeSources.Rotation,
            CustomerKey = old.CustomerKey,
            CustomerEmailKey = old.CustomerEmailKey,
            ExpiresAt = old.ExpiresAt,
            CreatedAt = now,
        };
        db.Codes.Add(fresh);
        db.AddIntegrationEvent(Issued(fresh, campaign, now));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation(CouponCodeConfiguration.CodeIndex))
        {
            return (RotationOutcome.CodeTaken, null);
        }

        await db.Database.ExecuteSqlAsync(
            $"UPDATE coupon_codes SET retired_at = {now}, replaced_by_id = {fresh.Id} WHERE id = {old.Id}", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await codeChanges.ChangedAsync(old.Code);
        var uses = await CodeUsesAsync(old.Id, cancellationToken);
        var retired = new CouponCode
        {
            Id = old.Id, CampaignId = old.CampaignId, Code = old.Code, PartnerId = old.PartnerId, MaxUses = old.MaxUses, Source = old.Source,
            GenerationJobId = old.GenerationJobId, CustomerKey = old.CustomerKey, CustomerEmailKey = old.CustomerEmailKey, ExpiresAt = old.ExpiresAt, CreatedAt = old.CreatedAt,
            RetiredAt = now, ReplacedById = fresh.Id,
        };
        return (RotationOutcome.Rotated, new RotationResponse(
            CodeResponse.From(retired, campaign.PromotionId, uses), CodeResponse.From(fresh, campaign.PromotionId, 0)));
    }

    public async Task<OfferPoolResponse?> OfferPoolAsync(Campaign campaign, CancellationToken cancellationToken)
    {
        if (campaign is not { OfferPoolSize: { } size, OfferPoolLowWatermark: { } watermark })
        {
            return null;
        }

        var available = await new OfferPool(db).AvailableAsync(campaign.Id, cancellationToken);
        var replenishing = await db.GenerationJobs.AnyAsync(job => job.CampaignId == campaign.Id && job.Kind == CodeSources.Pool
            && (job.Status == GenerationStatuses.Queued || job.Status == GenerationStatuses.Running), cancellationToken);
        return new OfferPoolResponse(campaign.Id, size, watermark, available, replenishing);
    }

    public Task<CodeResponse?> FindCodeAsync(string code, CancellationToken cancellationToken) =>
        FindCodeAsync(db.Codes.AsNoTracking().Where(coupon => coupon.Code == code), cancellationToken);

    private Task<CodeResponse?> FindCodeAsync(Guid id, CancellationToken cancellationToken) =>
        FindCodeAsync(db.Codes.AsNoTracking().Where(coupon => coupon.Id == id), cancellationToken);

    private async Task<CodeResponse?> FindCodeAsync(IQueryable<CouponCode> codes, CancellationToken cancellationToken)
    {
        var found = await codes
            .Join(db.Campaigns, coupon => coupon.CampaignId, campaign => campaign.Id, (coupon, campaign) => new { coupon, campaign.PromotionId })
            .SingleOrDefaultAsync(cancellationToken);
        if (found is null)
        {
            return null;
        }

        return CodeResponse.From(found.coupon, found.PromotionId, await CodeUsesAsync(found.coupon.Id, cancellationToken));
    }

    /// <summary>The code's uses, holds past their expiry left out (as validation and reservation count them).</summary>
    private async Task<int> CodeUsesAsync(Guid codeId, CancellationToken cancellationToken)
    {
        var key = $"code:{codeId:N}";
        return (await ledger.ReadLiveAsync([key], Clock.Now(timeProvider), cancellationToken)).GetValueOrDefault(key);
    }

    /// <summary>
    /// Read in one statement, so every figure comes from the same snapshot. A hold past its expiry is counted as released
    /// (and its use as given back) from its expiry on, not from when the sweeper gets to it: a reservation would take
    /// that use already.
    /// </summary>
    public async Task<CampaignStats> StatsAsync(Campaign campaign, CancellationToken cancellationToken)
    {
        var key = CounterClaim.CampaignKey(campaign.Id);
        var now = Clock.Now(timeProvider);
        var row = await db.Database.SqlQuery<StatsRow>($"""
            SELECT
              (SELECT uses FROM coupon_counters WHERE key = {key})
                - (SELECT count(*)::integer FROM coupon_reservations WHERE campaign_id = {campaign.Id} AND status = 'held' AND expires_at <= {now}) AS uses,
              (SELECT count(*)::integer FROM coupon_reservations WHERE campaign_id = {campaign.Id} AND status = 'held' AND expires_at > {now}) AS held,
              (SELECT count(*)::integer FROM coupon_reservations WHERE campaign_id = {campaign.Id}
                 AND (status = 'released' OR (status = 'held' AND expires_at <= {now}))) AS released,
              (SELECT count(*)::integer FROM coupon_redemptions WHERE campaign_id = {campaign.Id} AND status = 'redeemed') AS redeemed,
              (SELECT count(*)::integer FROM coupon_redemptions WHERE campaign_id = {campaign.Id} AND status = 'cancelled') AS cancelled,
              (SELECT count(*)::integer FROM coupon_redemptions WHERE campaign_id = {campaign.Id} AND status = 'refunded') AS refunded,
              (SELECT count(*)::integer FROM coupon_redemptions WHERE campaign_id = {campaign.Id} AND status = 'redeemed' AND refunded_amount > 0) AS partially_refunded,
              (SELECT count(*)::integer FROM coupon_codes WHERE campaign_id = {campaign.Id}) AS codes,
              (SELECT count(*)::integer FROM coupon_redemptions WHERE campaign_id = {campaign.Id} AND leak_reason IS NOT NULL) AS leak_suspected
            """).SingleAsync(cancellationToken);
        var uses = row.Uses ?? 0;
        return new CampaignStats(campaign.Id, campaign.MaxUses, uses, campaign.MaxUses is { } max ? Math.Max(max - uses, 0) : null,
            row.Held, row.Redeemed, row.Cancelled, row.Refunded, row.PartiallyRefunded, row.Released, row.Codes, row.LeakSuspected);
    }

    public static CouponIssued Issued(CouponCode code, Campaign campaign, DateTimeOffset now) => new()
    {
        EventId = Guid.CreateVersion7(now),
        OccurredAt = now,
        CodeId = code.Id,
        Code = code.Code,
        CampaignId = campaign.Id,
        PromotionId = campaign.PromotionId,
        Source = code.Source,
        PartnerId = code.PartnerId,
        MaxUses = code.MaxUses,
        CustomerKey = code.CustomerKey,
        ExpiresAt = code.ExpiresAt,
    };
}

public enum CampaignUpdateOutcome
{
    Updated,
    NotFound,
    Invalid,
    PreconditionFailed,
}

/// <summary>An edit's outcome: the campaign as edited, or as it is when the edit was made from an older read.</summary>
public sealed record CampaignUpdate(CampaignUpdateOutcome Outcome, CampaignResponse? Campaign = null, Dictionary<string, string[]>? Errors = null);

public enum RotationOutcome
{
    Rotated,
    NotFound,
    AlreadyRetired,
    Disabled,
    CodeTaken,
    Replayed,
    KeyReused,
}
