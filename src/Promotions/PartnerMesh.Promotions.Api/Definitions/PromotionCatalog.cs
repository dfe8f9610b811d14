using Microsoft.EntityFrameworkCore;
using PartnerMesh.Contracts.Promotions;
using PartnerMesh.Data;
using PartnerMesh.Outbox;
using PartnerMesh.Promotions.Api.Infrastructure;
using PartnerMesh.Promotions.Api.Infrastructure.Configurations;
using PartnerMesh.Promotions.Api.RuleSets;
using PartnerMesh.Promotions.Domain.Definitions;

namespace PartnerMesh.Promotions.Api.Definitions;

public enum CatalogOutcome
{
    Done,
    Replayed,
    NotFound,
    Conflict,
}

public sealed record CatalogResult(CatalogOutcome Outcome, PromotionResponse? Promotion = null, string? Problem = null)
{
    public static CatalogResult NotFound() => new(CatalogOutcome.NotFound);

    public static CatalogResult Conflict(string problem) => new(CatalogOutcome.Conflict, Problem: problem);
}

/// <summary>
/// Promotions and their immutable versions. Every change that alters what is live (publish, pause, resume, end,
/// rollback) bumps the rule-set version and stages its event in the same transaction, then tells every instance.
/// </summary>
public sealed class PromotionCatalog(PromotionsDbContext db, RuleSetNotifier notifier, TimeProvider timeProvider)
{
    public async Task<CatalogResult> CreateAsync(
        PromotionDefinition definition, string? reason, string? idempotencyKey, string actor, CancellationToken cancellationToken)
    {
        var json = PromotionDefinitions.Write(definition);
        if (idempotencyKey is not null && await ReplayAsync(idempotencyKey, json, cancellationToken) is { } replay)
        {
            return replay;
        }

        var now = timeProvider.GetUtcNow();
        var promotion = new Promotion
        {
            Id = Guid.CreateVersion7(now),
            Name = definition.Name,
            State = PromotionState.Draft,
            LatestVersion = 1,
            IdempotencyKey = idempotencyKey,
            CreatedAt = now,
            CreatedBy = actor,
            UpdatedAt = now,
        };
        db.Promotions.Add(promotion);
        db.PromotionVersions.Add(NewVersion(promotion.Id, 1, json, actor, now, reason));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (idempotencyKey is not null && exception.IsUniqueViolation(PromotionConfiguration.UniqueIdempotencyKeyIndex))
        {
            db.ChangeTracker.Clear();
            return await ReplayAsync(idempotencyKey, json, cancellationToken)
                ?? throw new InvalidOperationException("An idempotency key conflicted but its promotion cannot be read.");
        }

        return new CatalogResult(CatalogOutcome.Done, ToResponse(promotion, definition, null, now));
    }

    public async Task<CatalogResult> UpdateAsync(Guid id, PromotionDefinition definition, string? reason, string actor, CancellationToken cancellationToken) =>
        await ChangeAsync(id, actor, (promotion, now) =>
        {
            if (promotion.State == PromotionState.Ended)
            {
                return "An ended promotion cannot change; create a new one.";
            }

            promotion.LatestVersion++;
            promotion.Name = definition.Name;
            db.PromotionVersions.Add(NewVersion(promotion.Id, promotion.LatestVersion, PromotionDefinitions.Write(definition), actor, now, reason));
            return null;
        }, reason, publishes: false, statusChange: null, cancellationToken);

    public Task<CatalogResult> PublishAsync(Guid id, string? reason, string actor, CancellationToken cancellationToken) =>
        ChangeAsync(id, actor, (promotion, now) =>
        {
            if (promotion.State == PromotionState.Ended)
            {
                return "An ended promotion cannot be published again.";
            }

            promotion.LiveVersion = promotion.LatestVersion;
            promotion.State = promotion.State == PromotionState.Paused ? PromotionState.Paused : PromotionState.Published;
            return null;
        }, reason, publishes: true, statusChange: null, cancellationToken);

    public Task<CatalogResult> PauseAsync(Guid id, string? reason, string actor, CancellationToken cancellationToken) =>
        SetStateAsync(id, reason, actor, PromotionState.Paused, [PromotionState.Published], cancellationToken);

    public Task<CatalogResult> ResumeAsync(Guid id, string? reason, string actor, CancellationToken cancellationToken) =>
        SetStateAsync(id, reason, actor, PromotionState.Published, [PromotionState.Paused], cancellationToken);

    public Task<CatalogResult> EndAsync(Guid id, string? reason, string actor, CancellationToken cancellationToken) =>
        SetStateAsync(id, reason, actor, PromotionState.Ended, [PromotionState.Draft, PromotionState.Published, PromotionState.Paused], cancellationToken);

    public async Task<CatalogResult> RollbackAsync(Guid id, int toVersion, string? reason, string actor, CancellationToken cancellationToken)
    {
        var target = await db.PromotionVersions.AsNoTracking()
            .SingleOrDefaultAsync(version => version.PromotionId == id && version.Version == toVersion, cancellationToken);
        if (target is null)
        {
            return await db.Promotions.AnyAsync(promotion => promotion.Id == id, cancellationToken)
                ? CatalogResult.Conflict($"Promotion {id} has no version {toVersion}.")
                : CatalogResult.NotFound();
        }

        return await ChangeAsync(id, actor, (promotion, now) =>
        {
            if (promotion.State == PromotionState.Ended)
            {
                return "An ended promotion cannot be rolled back.";
            }

            promotion.LatestVersion++;
            promotion.LiveVersion = promotion.LatestVersion;
            promotion.Name = PromotionDefinitions.Read(target.Definition).Name;
            promotion.State = promotion.State == PromotionState.Paused ? PromotionState.Paused : PromotionState.Published;
            db.PromotionVersions.Add(NewVersion(promotion.Id, promotion.LatestVersion, target.Definition, actor, now,
                reason ?? $"rollback to version {toVersion}", restoredFrom: toVersion));
            return null;
        }, reason ?? $"rollback to version {toVersion}", publishes: true, statusChange: null, cancellationToken);
    }

    /// <summary>
    /// A staged rollout step: the live definition again as a new published version with only its rollout share changed,
    /// and <see cref="PromotionRolloutChanged"/> beside <c>PromotionPublished</c>. Assignment hashes the promotion and the
    /// visitor, so raising the share keeps everyone already in; every instance has it within the rule-set refresh.
    /// </summary>
    public async Task<CatalogResult> ChangeRolloutAsync(Guid id, int percent, string? reason, string actor, CancellationToken cancellationToken)
    {
        var live = await db.Promotions.AsNoTracking().Where(promotion => promotion.Id == id)
            .Select(promotion => new { promotion.LiveVersion }).SingleOrDefaultAsync(cancellationToken);
        if (live is null)
        {
            return CatalogResult.NotFound();
        }

        if (live.LiveVersion is not { } liveVersion)
        {
            return CatalogResult.Conflict("A promotion that was never published has no rollout to change; set rolloutPercent in its definition.");
        }

        var definition = PromotionDefinitions.Read(await DefinitionJsonAsync(id, liveVersion, cancellationToken));
        var why = reason ?? $"rollout {definition.RolloutPercent} % → {percent} %";
        return await ChangeAsync(id, actor, (promotion, now) =>
        {
            if (promotion.State == PromotionState.Ended)
            {
                return "An ended promotion cannot be rolled out.";
            }

            if (promotion.LiveVersion != liveVersion)
            {
                return "The promotion's live version changed meanwhile; try again.";
            }

            promotion.LatestVersion++;
            promotion.LiveVersion = promotion.LatestVersion;
            db.PromotionVersions.Add(NewVersion(promotion.Id, promotion.LatestVersion,
                PromotionDefinitions.Write(definition with { RolloutPercent = percent }), actor, now, why));
            db.AddIntegrationEvent(new PromotionRolloutChanged
            {
                EventId = Guid.CreateVersion7(now),
                OccurredAt = now,
                PromotionId = promotion.Id,
                Version = promotion.LatestVersion,
                FromPercent = definition.RolloutPercent,
                ToPercent = percent,
                ChangedBy = actor,
                Reason = why,
            });
            return null;
        }, why, publishes: true, statusChange: null, cancellationToken);
    }

    public async Task<PromotionResponse?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        var promotion = await db.Promotions.AsNoTracking().SingleOrDefaultAsync(promotion => promotion.Id == id, cancellationToken);
        return promotion is null ? null : await ToResponseAsync(promotion, cancellationToken);
    }

    public async Task<PromotionPage> ListAsync(string? status, Guid? after, int limit, CancellationToken cancellationToken)
    {
        var query = db.Promotions.AsNoTracking().OrderBy(promotion => promotion.Id).AsQueryable();
        if (after is { } cursor)
        {
            query = query.Where(promotion => promotion.Id.CompareTo(cursor) > 0);
        }

        var responses = new List<PromotionResponse>(limit);
        var lastSeen = after;
        // Status depends on the schedule, so filter after reading; pages keep going until full or exhausted.
        while (responses.Count < limit)
        {
            var batch = await query.Where(promotion => lastSeen == null || promotion.Id.CompareTo(lastSeen.Value) > 0)
                .Take(limit + 1).ToListAsync(cancellationToken);
            foreach (var promotion in batch)
            {
                lastSeen = promotion.Id;
                var response = await ToResponseAsync(promotion, cancellationToken);
                if (status is null || response.Status == status)
                {
                    responses.Add(response);
                    if (responses.Count == limit)
                    {
                        break;
                    }
                }
            }

            if (batch.Count <= limit && (responses.Count < limit || batch.Count == 0 || batch[^1].Id == lastSeen))
            {
                // An empty catalog (or page after the last) has seen nothing: no more pages.
                var more = lastSeen is { } last && await query.AnyAsync(promotion => promotion.Id.CompareTo(last) > 0, cancellationToken);
                return new PromotionPage(responses, more && responses.Count == limit ? lastSeen!.Value.ToString() : null);
            }
        }

        var hasMore = await query.AnyAsync(promotion => promotion.Id.CompareTo(lastSeen!.Value) > 0, cancellationToken);
        return new PromotionPage(responses, hasMore ? lastSeen!.Value.ToString() : null);
    }

    public async Task<IReadOnlyList<PromotionVersionResponse>?> VersionsAsync(Guid id, CancellationToken cancellationToken)
    {
        var promotion = await db.Promotions.AsNoTracking().SingleOrDefaultAsync(promotion => promotion.Id == id, cancellationToken);
        if (promotion is null)
        {
            return null;
        }

        var versions = await db.PromotionVersions.AsNoTracking().Where(version => version.PromotionId == id)
            .OrderBy(version => version.Version).ToListAsync(cancellationToken);
        return [.. versions.Select(version => ToVersionResponse(version, promotion))];
    }

    public async Task<PromotionVersionResponse?> VersionAsync(Guid id, int number, CancellationToken cancellationToken)
    {
        var promotion = await db.Promotions.AsNoTracking().SingleOrDefaultAsync(promotion => promotion.Id == id, cancellationToken);
        var version = promotion is null ? null : await db.PromotionVersions.AsNoTracking()
            .SingleOrDefaultAsync(version => version.PromotionId == id && version.Version == number, cancellationToken);
        return version is null ? null : ToVersionResponse(version, promotion!);
    }

    /// <summary>The latest version's definition (a draft when there are unpublished changes), for a dry run.</summary>
    public async Task<(Promotion Promotion, PromotionDefinition Definition)?> LatestAsync(Guid id, CancellationToken cancellationToken)
    {
        var promotion = await db.Promotions.AsNoTracking().SingleOrDefaultAsync(promotion => promotion.Id == id, cancellationToken);
        if (promotion is null)
        {
            return null;
        }

        var version = await db.PromotionVersions.AsNoTracking()
            .SingleAsync(version => version.PromotionId == id && version.Version == promotion.LatestVersion, cancellationToken);
        return (promotion, PromotionDefinitions.Read(version.Definition));
    }

    private Task<CatalogResult> SetStateAsync(
        Guid id, string? reason, string actor, PromotionState target, PromotionState[] allowedFrom, CancellationToken cancellationToken) =>
        ChangeAsync(id, actor, (promotion, _) =>
        {
            if (promotion.State == target)
            {
                return null;
            }

            if (!allowedFrom.Contains(promotion.State))
            {
                return $"A promotion that is {promotion.State.ToString().ToLowerInvariant()} cannot become {target.ToString().ToLowerInvariant()}.";
            }

            promotion.State = target;
            return null;
        }, reason, publishes: false, statusChange: target, cancellationToken);

    /// <summary>
    /// Loads the promotion, applies <paramref name="change"/> (which returns a conflict message or null), and — when the
    /// change touches what is live — bumps the rule-set version and stages the event, all in one transaction.
    /// </summary>
    private async Task<CatalogResult> ChangeAsync(
        Guid id, string actor, Func<Promotion, DateTimeOffset, string?> change, string? reason, bool publishes, PromotionState? statusChange,
        CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var promotion = await db.Promotions.FromSql($"SELECT *, xmin FROM promotions WHERE id = {id} FOR UPDATE").SingleOrDefaultAsync(cancellationToken);
        if (promotion is null)
        {
            return CatalogResult.NotFound();
        }

        var before = (promotion.State, promotion.LiveVersion);
        var now = timeProvider.GetUtcNow();
        if (change(promotion, now) is { } conflict)
        {
            return CatalogResult.Conflict(conflict);
        }

        promotion.UpdatedAt = now;
        var touchesLive = publishes || (statusChange is not null && before.State != promotion.State);
        long? ruleSetVersion = null;
        if (touchesLive)
        {
            var state = await RuleSetVersions.BumpAsync(db, actor, now, cancellationToken);
            ruleSetVersion = state.Version;
            await db.SaveChangesAsync(cancellationToken);
            await StageEventAsync(promotion, now, actor, reason, state.Version, publishes, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (ruleSetVersion is { } version)
        {
            await notifier.ChangedAsync(version, cancellationToken);
        }

        return new CatalogResult(CatalogOutcome.Done, await ToResponseAsync(promotion, cancellationToken));
    }

    private async Task StageEventAsync(
        Promotion promotion, DateTimeOffset now, string actor, string? reason, long ruleSetVersion, bool publishes, CancellationToken cancellationToken)
    {
        if (publishes)
        {
            var definition = PromotionDefinitions.Read(await DefinitionJsonAsync(promotion.Id, promotion.LiveVersion!.Value, cancellationToken));
            db.AddIntegrationEvent(new PromotionPublished
            {
                EventId = Guid.CreateVersion7(now),
                OccurredAt = now,
                PromotionId = promotion.Id,
                Version = promotion.LiveVersion.Value,
                Name = definition.Name,
                CampaignId = definition.CampaignId,
                StackingClass = definition.Action.StackingClass.ToString().ToLowerInvariant(),
                StartsAt = definition.Schedule?.StartsAt,
                EndsAt = definition.Schedule?.EndsAt,
                ChangedBy = actor,
                Reason = reason,
                RuleSetVersion = ruleSetVersion,
            });
            return;
        }

        db.AddIntegrationEvent(new PromotionStatusChanged
        {
            EventId = Guid.CreateVersion7(now),
            OccurredAt = now,
            PromotionId = promotion.Id,
            Version = promotion.LiveVersion ?? promotion.LatestVersion,
            Status = promotion.State.ToString().ToLowerInvariant(),
            ChangedBy = actor,
            Reason = reason,
            RuleSetVersion = ruleSetVersion,
        });
    }

    private async Task<string> DefinitionJsonAsync(Guid id, int version, CancellationToken cancellationToken) =>
        db.PromotionVersions.Local.FirstOrDefault(local => local.PromotionId == id && local.Version == version)?.Definition
        ?? await db.PromotionVersions.AsNoTracking().Where(stored => stored.PromotionId == id && stored.Version == version)
            .Select(stored => stored.Definition).SingleAsync(cancellationToken);

    private async Task<CatalogResult?> ReplayAsync(string idempotencyKey, string json, CancellationToken cancellationToken)
    {
        var existing = await db.Promotions.AsNoTracking().SingleOrDefaultAsync(promotion => promotion.IdempotencyKey == idempotencyKey, cancellationToken);
        if (existing is null)
        {
            return null;
        }

        var first = await DefinitionJsonAsync(existing.Id, 1, cancellationToken);
        return JsonEquals(first, json)
            ? new CatalogResult(CatalogOutcome.Replayed, await ToResponseAsync(existing, cancellationToken))
            : CatalogResult.Conflict($"Idempotency-Key '{idempotencyKey}' was already used to create promotion {existing.Id} with a different definition.");
    }

    private static bool JsonEquals(string left, string right) =>
        System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(left), System.Text.Json.Nodes.JsonNode.Parse(right));

    private async Task<PromotionResponse> ToResponseAsync(Promotion promotion, CancellationToken cancellationToken)
    {
        var latest = PromotionDefinitions.Read(await DefinitionJsonAsync(promotion.Id, promotion.LatestVersion, cancellationToken));
        var live = promotion.LiveVersion is { } liveVersion && liveVersion != promotion.LatestVersion
            ? PromotionDefinitions.Read(await DefinitionJsonAsync(promotion.Id, liveVersion, cancellationToken))
            : promotion.LiveVersion is null ? null : latest;
        return ToResponse(promotion, latest, live, timeProvider.GetUtcNow());
    }

    private static PromotionResponse ToResponse(Promotion promotion, PromotionDefinition latest, PromotionDefinition? live, DateTimeOffset now) =>
        new(promotion.Id, promotion.Name, PromotionStatuses.Of(promotion.State, live?.Schedule, now), promotion.LiveVersion,
            promotion.LatestVersion, promotion.LiveVersion != promotion.LatestVersion, promotion.CreatedAt, promotion.CreatedBy,
            promotion.UpdatedAt, latest);

    private static PromotionVersionResponse ToVersionResponse(PromotionVersion version, Promotion promotion) =>
        new(version.PromotionId, version.Version, version.Version == promotion.LiveVersion && promotion.State != PromotionState.Ended,
            version.ChangedBy, version.ChangedAt, version.Reason, version.RestoredFrom, PromotionDefinitions.Read(version.Definition));

    private static PromotionVersion NewVersion(Guid id, int number, string json, string actor, DateTimeOffset now, string? reason, int? restoredFrom = null) =>
        new() { PromotionId = id, Version = number, Definition = json, ChangedBy = actor, ChangedAt = now, Reason = reason, RestoredFrom = restoredFrom };
}
