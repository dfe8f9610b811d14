using Microsoft.EntityFrameworkCore;
using PartnerMesh.Contracts.Promotions;
using PartnerMesh.Data;
using PartnerMesh.Promotions.Api.Common;
using PartnerMesh.Outbox;
using PartnerMesh.Promotions.Api.Infrastructure;
using PartnerMesh.Promotions.Api.Infrastructure.Configurations;
using PartnerMesh.Promotions.Api.RuleSets;
using PartnerMesh.Promotions.Domain.Definitions;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Promotions.Api.Definitions;

public enum CatalogOutcome
{
    Done,
    Replayed,
    NotFound,
    Conflict,
    PreconditionFailed,
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
        definition = definition with { CampaignId = CampaignIds.Normalize(definition.CampaignId) }; // one campaign, however typed
        var json = PromotionDefinitions.Write(definition);
        if (idempotencyKey is not null && await ReplayAsync(idempotencyKey, json, reason, cancellationToken) is { } replay)
        {
            return replay;
        }

        var now = StorageTime.Now(timeProvider);
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
        db.PromotionChanges.Add(NewChange(promotion, PromotionChangeAction.Created, null, 1, actor, now, reason, null));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (idempotencyKey is not null && exception.IsUniqueViolation(PromotionConfiguration.UniqueIdempotencyKeyIndex))
        {
            db.ChangeTracker.Clear();
            return await ReplayAsync(idempotencyKey, json, reason, cancellationToken)
                ?? throw new InvalidOperationException("An idempotency key conflicted but its promotion cannot be read.");
        }

        return new CatalogResult(CatalogOutcome.Done, ToResponse(promotion, definition, null, now));
    }

    /// <summary>
    /// A new version, live once published. <paramref name="expectedVersions"/> (from <c>If-Match</c>) refuses to overwrite an
    /// edit the caller has not seen. The definition the latest version already has changes nothing: no new version, no
    /// history entry (a retried edit does not double the history).
    /// </summary>
    public async Task<CatalogResult> UpdateAsync(
        Guid id, PromotionDefinition definition, string? reason, IReadOnlyList<int>? expectedVersions, string actor, CancellationToken cancellationToken)
    {
        definition = definition with { CampaignId = CampaignIds.Normalize(definition.CampaignId) }; // one campaign, however typed
        var json = PromotionDefinitions.Write(definition);
        var stale = false;
        var result = await ChangeAsync(id, actor, PromotionChangeAction.Edited, async (promotion, now) =>
        {
            if (!VersionPrecondition.Matches(expectedVersions, promotion.LatestVersion))
            {
                stale = true;
                return $"Promotion {id} is at version {promotion.LatestVersion}, {VersionPrecondition.Describe(expectedVersions!)}: read it again and reapply the change.";
            }

            if (promotion.State == PromotionState.Ended)
            {
                return "An ended promotion cannot change; create a new one.";
            }

            // Compared under the promotion's row lock: an identical edit sent twice at once adds one version, not two.
            if (JsonEquals(await DefinitionJsonAsync(id, promotion.LatestVersion, cancellationToken), json))
            {
                return null; // the latest version already says this: nothing changes
            }

            promotion.LatestVersion++;
            promotion.Name = definition.Name;
            db.PromotionVersions.Add(NewVersion(promotion.Id, promotion.LatestVersion, json, actor, now, reason));
            return null;
        }, reason, publishes: false, statusChange: null, cancellationToken);
        return stale ? new CatalogResult(CatalogOutcome.PreconditionFailed, Problem: result.Problem) : result;
    }

    public Task<CatalogResult> PublishAsync(Guid id, string? reason, string actor, CancellationToken cancellationToken) =>
        ChangeAsync(id, actor, PromotionChangeAction.Published, (promotion, now) =>
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
        SetStateAsync(id, reason, actor, PromotionChangeAction.Paused, PromotionState.Paused, [PromotionState.Published], cancellationToken);

    public Task<CatalogResult> ResumeAsync(Guid id, string? reason, string actor, CancellationToken cancellationToken) =>
        SetStateAsync(id, reason, actor, PromotionChangeAction.Resumed, PromotionState.Published, [PromotionState.Paused], cancellationToken);

    public Task<CatalogResult> EndAsync(Guid id, string? reason, string actor, CancellationToken cancellationToken) =>
        SetStateAsync(id, reason, actor, PromotionChangeAction.Ended, PromotionState.Ended,
            [PromotionState.Draft, PromotionState.Published, PromotionState.Paused], cancellationToken);

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

        return await ChangeAsync(id, actor, PromotionChangeAction.RolledBack, (promotion, now) =>
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
    /// visitor, so raising the share keeps everyone already in; every instance has it within the rule-set refresh. An
    /// unpublished edit stays pending: it is carried over as the new latest version with the new share, so publishing it
    /// later neither undoes the step nor loses the edit. The share the live version already has changes nothing.
    /// </summary>
    public async Task<CatalogResult> ChangeRolloutAsync(Guid id, int percent, string? reason, string actor, CancellationToken cancellationToken)
    {
        var versions = await db.Promotions.AsNoTracking().Where(promotion => promotion.Id == id)
            .Select(promotion => new { promotion.LiveVersion, promotion.LatestVersion }).SingleOrDefaultAsync(cancellationToken);
        if (versions is null)
        {
            return CatalogResult.NotFound();
        }

        if (versions.LiveVersion is not { } liveVersion)
        {
            return CatalogResult.Conflict("A promotion that was never published has no rollout to change; set rolloutPercent in its definition.");
        }

        var definition = PromotionDefinitions.Read(await DefinitionJsonAsync(id, liveVersion, cancellationToken));
        var pending = versions.LatestVersion != liveVersion
            ? PromotionDefinitions.Read(await DefinitionJsonAsync(id, versions.LatestVersion, cancellationToken))
            : null;
        var why = reason ?? $"rollout {definition.RolloutPercent} % → {percent} %";
        return await ChangeAsync(id, actor, PromotionChangeAction.RolloutChanged, (promotion, now) =>
        {
            if (promotion.State == PromotionState.Ended)
            {
                return "An ended promotion cannot be rolled out.";
            }

            if (promotion.LiveVersion != liveVersion || promotion.LatestVersion != versions.LatestVersion)
            {
                return "The promotion's versions changed meanwhile; try again.";
            }

            if (definition.RolloutPercent == percent)
            {
                return null; // already rolled out this far: nothing changes
            }

            promotion.LatestVersion++;
            promotion.LiveVersion = promotion.LatestVersion;
            db.PromotionVersions.Add(NewVersion(promotion.Id, promotion.LatestVersion,
                PromotionDefinitions.Write(definition with { RolloutPercent = percent }), actor, now, why));
            if (pending is not null)
            {
                promotion.LatestVersion++;
                db.PromotionVersions.Add(NewVersion(promotion.Id, promotion.LatestVersion,
                    PromotionDefinitions.Write(pending with { RolloutPercent = percent }), actor, now,
                    $"unpublished edit of version {versions.LatestVersion}, carried over with the rollout of version {promotion.LiveVersion}"));
            }

            db.AddIntegrationEvent(new PromotionRolloutChanged
            {
                EventId = Guid.CreateVersion7(now),
                OccurredAt = now,
                PromotionId = promotion.Id,
                Version = promotion.LiveVersion.Value,
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

    public async Task<PageResponse<PromotionResponse>> ListAsync(string? status, Guid? after, int limit, CancellationToken cancellationToken)
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
                return new PageResponse<PromotionResponse>(responses, more && responses.Count == limit ? Paging.EncodeCursor(PromotionEndpoints.DefinitionsList, lastSeen!.Value) : null);
            }
        }

        var hasMore = await query.AnyAsync(promotion => promotion.Id.CompareTo(lastSeen!.Value) > 0, cancellationToken);
        return new PageResponse<PromotionResponse>(responses, hasMore ? Paging.EncodeCursor(PromotionEndpoints.DefinitionsList, lastSeen!.Value) : null);
    }

    /// <summary>The promotion's versions, oldest first, after version <paramref name="afterVersion"/>; null for an unknown promotion.</summary>
    public async Task<PageResponse<PromotionVersionResponse>?> VersionsAsync(Guid id, int afterVersion, int take, CancellationToken cancellationToken)
    {
        var promotion = await db.Promotions.AsNoTracking().SingleOrDefaultAsync(promotion => promotion.Id == id, cancellationToken);
        if (promotion is null)
        {
            return null;
        }

        var versions = await db.PromotionVersions.AsNoTracking().Where(version => version.PromotionId == id && version.Version > afterVersion)
            .OrderBy(version => version.Version).Take(take + 1).ToListAsync(cancellationToken);
        return Paging.ToPage(PromotionEndpoints.VersionsList, versions, take, version => VersionCursor.ToGuid(version.Version), version => ToVersionResponse(version, promotion));
    }

    /// <summary>Everything done with the promotion, newest first; null for an unknown promotion.</summary>
    public async Task<PageResponse<PromotionChangeResponse>?> HistoryAsync(Guid id, Guid? after, int take, CancellationToken cancellationToken)
    {
        if (!await db.Promotions.AnyAsync(promotion => promotion.Id == id, cancellationToken))
        {
            return null;
        }

        var query = db.PromotionChanges.AsNoTracking().Where(change => change.PromotionId == id);
        if (after is { } cursor)
        {
            query = query.Where(change => change.Id.CompareTo(cursor) < 0);
        }

        var changes = await query.OrderByDescending(change => change.Id).Take(take + 1).ToListAsync(cancellationToken);
        return Paging.ToPage(PromotionEndpoints.HistoryList, changes, take, change => change.Id, PromotionChangeResponse.From);
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
        Guid id, string? reason, string actor, PromotionChangeAction action, PromotionState target, PromotionState[] allowedFrom,
        CancellationToken cancellationToken) =>
        ChangeAsync(id, actor, action, (promotion, _) =>
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

    private Task<CatalogResult> ChangeAsync(
        Guid id, string actor, PromotionChangeAction action, Func<Promotion, DateTimeOffset, string?> change, string? reason, bool publishes,
        PromotionState? statusChange, CancellationToken cancellationToken) =>
        ChangeAsync(id, actor, action, (promotion, now) => Task.FromResult(change(promotion, now)), reason, publishes, statusChange, cancellationToken);

    /// <summary>
    /// Loads the promotion, applies <paramref name="change"/> (which returns a conflict message or null), appends it to the
    /// history and — when the change touches what is live — bumps the rule-set version and stages the event, all in one
    /// transaction. A change to what is live that leaves its state and live version as they were (publishing what is already
    /// live, a transition to the state it is already in), or an edit that adds no version, changes nothing and is not recorded.
    /// </summary>
    private async Task<CatalogResult> ChangeAsync(
        Guid id, string actor, PromotionChangeAction action, Func<Promotion, DateTimeOffset, Task<string?>> change, string? reason, bool publishes,
        PromotionState? statusChange, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var promotion = await db.Promotions.FromSql($"SELECT *, xmin FROM promotions WHERE id = {id} FOR UPDATE").SingleOrDefaultAsync(cancellationToken);
        if (promotion is null)
        {
            return CatalogResult.NotFound();
        }

        var before = (promotion.State, promotion.LiveVersion);
        var latestBefore = promotion.LatestVersion;
        var now = StorageTime.Now(timeProvider);
        if (await change(promotion, now) is { } conflict)
        {
            return CatalogResult.Conflict(conflict);
        }

        var touchesLive = publishes || statusChange is not null;
        if (touchesLive && before == (promotion.State, promotion.LiveVersion))
        {
            // Publishing what is already live, or a transition to the state it is in: nothing to record or announce.
            return new CatalogResult(CatalogOutcome.Done, await ToResponseAsync(promotion, cancellationToken));
        }

        if (!touchesLive && promotion.LatestVersion == latestBefore)
        {
            // An edit saying what the latest version says: nothing to record.
            return new CatalogResult(CatalogOutcome.Done, await ToResponseAsync(promotion, cancellationToken));
        }

        promotion.UpdatedAt = now;
        long? ruleSetVersion = null;
        if (touchesLive)
        {
            var state = await RuleSetVersions.BumpAsync(db, actor, now, cancellationToken);
            ruleSetVersion = state.Version;
            await db.SaveChangesAsync(cancellationToken);
            await StageEventAsync(promotion, now, actor, reason, state.Version, publishes, cancellationToken);
        }

        var concerns = touchesLive ? promotion.LiveVersion ?? promotion.LatestVersion : promotion.LatestVersion;
        db.PromotionChanges.Add(NewChange(promotion, action, before.State, concerns, actor, now, reason, ruleSetVersion));
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

    /// <summary>The version whose budgets the counters count: the live one, or the latest before a first publish; null for an unknown id.</summary>
    public async Task<(int Version, PromotionDefinition Definition)?> CountedDefinitionAsync(Guid id, CancellationToken cancellationToken)
    {
        var promotion = await db.Promotions.AsNoTracking().SingleOrDefaultAsync(promotion => promotion.Id == id, cancellationToken);
        if (promotion is null)
        {
            return null;
        }

        var version = promotion.LiveVersion ?? promotion.LatestVersion;
        return (version, PromotionDefinitions.Read(await DefinitionJsonAsync(id, version, cancellationToken)));
    }

    private async Task<string> DefinitionJsonAsync(Guid id, int version, CancellationToken cancellationToken) =>
        db.PromotionVersions.Local.FirstOrDefault(local => local.PromotionId == id && local.Version == version)?.Definition
        ?? await db.PromotionVersions.AsNoTracking().Where(stored => stored.PromotionId == id && stored.Version == version)
            .Select(stored => stored.Definition).SingleAsync(cancellationToken);

    /// <summary>The whole request is what a retry must say again: the definition and the reason of the first version.</summary>
    private async Task<CatalogResult?> ReplayAsync(string idempotencyKey, string json, string? reason, CancellationToken cancellationToken)
    {
        var existing = await db.Promotions.AsNoTracking().SingleOrDefaultAsync(promotion => promotion.IdempotencyKey == idempotencyKey, cancellationToken);
        if (existing is null)
        {
            return null;
        }

        var first = await db.PromotionVersions.AsNoTracking().Where(stored => stored.PromotionId == existing.Id && stored.Version == 1)
            .Select(stored => new { stored.Definition, stored.Reason }).SingleAsync(cancellationToken);
        return JsonEquals(first.Definition, json) && string.Equals(first.Reason, reason, StringComparison.Ordinal)
            ? new CatalogResult(CatalogOutcome.Replayed, await ToResponseAsync(existing, cancellationToken))
            : CatalogResult.Conflict($"Idempotency-Key '{idempotencyKey}' was already used to create promotion {existing.Id} with a different request.");
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

    /// <summary>The history entry of a change that left <paramref name="promotion"/> as it is now.</summary>
    public static PromotionChange NewChange(
        Promotion promotion, PromotionChangeAction action, PromotionState? from, int version, string actor, DateTimeOffset now, string? reason,
        long? ruleSetVersion) => new()
        {
            Id = Guid.CreateVersion7(now),
            PromotionId = promotion.Id,
            Action = action,
            FromState = from,
            ToState = promotion.State,
            Version = version,
            ChangedBy = actor,
            ChangedAt = now,
            Reason = reason,
            RuleSetVersion = ruleSetVersion,
        };

    private static PromotionVersion NewVersion(Guid id, int number, string json, string actor, DateTimeOffset now, string? reason, int? restoredFrom = null) =>
        new() { PromotionId = id, Version = number, Definition = json, ChangedBy = actor, ChangedAt = now, Reason = reason, RestoredFrom = restoredFrom };
}
