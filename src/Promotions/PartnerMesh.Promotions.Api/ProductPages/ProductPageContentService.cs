using Microsoft.EntityFrameworkCore;
using PartnerMesh.Data;
using PartnerMesh.Promotions.Api.Common;
using PartnerMesh.Promotions.Api.Definitions;
using PartnerMesh.Promotions.Api.Experiments;
using PartnerMesh.Promotions.Api.Infrastructure;
using PartnerMesh.Promotions.Api.Infrastructure.Configurations;
using PartnerMesh.Promotions.Api.RuleSets;
using PartnerMesh.Promotions.Domain.Experiments;
using PartnerMesh.Promotions.Domain.ProductPages;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Promotions.Api.ProductPages;

public enum ContentOutcome
{
    Done,
    Replayed,
    NotFound,
    Conflict,
    Unprocessable,
    PreconditionFailed,
    KeyReused,
}

public sealed record ContentResult(ContentOutcome Outcome, ContentResponse? Content = null, string? Problem = null)
{
    public static ContentResult NotFound() => new(ContentOutcome.NotFound);

    public static ContentResult Conflict(string problem) => new(ContentOutcome.Conflict, Problem: problem);
}

/// <summary>
/// Product-page content entries and their immutable versions, with the promotions' lifecycle. A change to what is live
/// (publish, pause, resume, end) bumps the rule-set version in its transaction, and every instance reloads its in-memory
/// snapshot the way it reloads promotions. Editing makes a new version that goes live only when published.
/// </summary>
public sealed class ProductPageContentService(PromotionsDbContext db, RuleSetNotifier notifier, TimeProvider timeProvider)
{
    public async Task<ContentResult> CreateAsync(ContentDefinition definition, string? reason, string? idempotencyKey, string actor, CancellationToken cancellationToken)
    {
        var json = ContentDefinitions.Write(definition);
        if (idempotencyKey is not null && await ReplayAsync(idempotencyKey, json, reason, cancellationToken) is { } replay)
        {
            return replay;
        }

        if (await UnknownPartnerAsync(definition, cancellationToken) is { } unknown)
        {
            return unknown;
        }

        var now = StorageTime.Now(timeProvider);
        var entry = new ProductPageContentEntry
        {
            Id = Guid.CreateVersion7(now),
            Name = definition.Name.Trim(),
            State = PromotionState.Draft,
            LatestVersion = 1,
            PartnerId = definition.Target.PartnerId,
            IdempotencyKey = idempotencyKey,
            CreatedAt = now,
            CreatedBy = actor,
            UpdatedAt = now,
        };
        db.ProductPageContents.Add(entry);
        db.ProductPageContentVersions.Add(NewVersion(entry.Id, 1, json, actor, now, reason));
        db.ProductPageContentChanges.Add(NewChange(entry, PromotionChangeAction.Created, null, 1, actor, now, reason, null));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (idempotencyKey is not null && exception.IsUniqueViolation(ProductPageContentConfiguration.UniqueIdempotencyKeyIndex))
        {
            db.ChangeTracker.Clear();
            return await ReplayAsync(idempotencyKey, json, reason, cancellationToken)
                ?? throw new InvalidOperationException("An idempotency key conflicted but its content entry cannot be read.");
        }

        return new ContentResult(ContentOutcome.Done, ToResponse(entry, definition, null, now));
    }

    /// <summary>A new version (live only once published). <paramref name="expectedVersions"/> (from <c>If-Match</c>) refuses
    /// to overwrite an edit the caller has not seen.</summary>
    public async Task<ContentResult> UpdateAsync(
        Guid id, ContentDefinition definition, string? reason, IReadOnlyList<int>? expectedVersions, string actor, CancellationToken cancellationToken)
    {
        if (await UnknownPartnerAsync(definition, cancellationToken) is { } unknown)
        {
            return unknown;
        }

        return await ChangeAsync(id, actor, PromotionChangeAction.Edited, reason, (entry, now) =>
        {
            if (!VersionPrecondition.Matches(expectedVersions, entry.LatestVersion))
            {
                return new ContentResult(ContentOutcome.PreconditionFailed,
                    Problem: $"Entry {id} is at version {entry.LatestVersion}, {VersionPrecondition.Describe(expectedVersions!)}: read it again and reapply the change.");
            }

            if (entry.State == PromotionState.Ended)
            {
                return ContentResult.Conflict("An ended entry cannot change; create a new one.");
            }

            entry.LatestVersion++;
            entry.Name = definition.Name.Trim();
            entry.PartnerId = definition.Target.PartnerId;
            db.ProductPageContentVersions.Add(NewVersion(entry.Id, entry.LatestVersion, ContentDefinitions.Write(definition), actor, now, reason));
            return null;
        }, touchesLive: false, cancellationToken);
    }

    /// <summary>Makes <paramref name="version"/> (default: the latest) live; publishing an earlier version rolls back to it.</summary>
    public async Task<ContentResult> PublishAsync(Guid id, int? version, string? reason, string actor, CancellationToken cancellationToken) =>
        await ChangeAsync(id, actor, PromotionChangeAction.Published, reason, (entry, now) =>
        {
            if (entry.State == PromotionState.Ended)
            {
                return ContentResult.Conflict("An ended entry cannot be published again.");
            }

            var target = version ?? entry.LatestVersion;
            if (target < 1 || target > entry.LatestVersion)
            {
                return ContentResult.Conflict($"Entry {id} has no version {target}.");
            }

            entry.LiveVersion = target;
            entry.State = entry.State == PromotionState.Paused ? PromotionState.Paused : PromotionState.Published;
            return null;
        }, touchesLive: true, cancellationToken);

    public Task<ContentResult> PauseAsync(Guid id, string? reason, string actor, CancellationToken cancellationToken) =>
        SetStateAsync(id, reason, actor, PromotionChangeAction.Paused, PromotionState.Paused, [PromotionState.Published], cancellationToken);

    public Task<ContentResult> ResumeAsync(Guid id, string? reason, string actor, CancellationToken cancellationToken) =>
        SetStateAsync(id, reason, actor, PromotionChangeAction.Resumed, PromotionState.Published, [PromotionState.Paused], cancellationToken);

    public Task<ContentResult> EndAsync(Guid id, string? reason, string actor, CancellationToken cancellationToken) =>
        SetStateAsync(id, reason, actor, PromotionChangeAction.Ended, PromotionState.Ended,
            [PromotionState.Draft, PromotionState.Published, PromotionState.Paused], cancellationToken);

    public async Task<ContentResponse?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        await db.ProductPageContents.AsNoTracking().SingleOrDefaultAsync(entry => entry.Id == id, cancellationToken) is { } entry
            ? await ToResponseAsync(entry, cancellationToken)
            : null;

    /// <summary>Entries ordered by id; status is read from the schedule, so pages filter after reading until full.</summary>
    public async Task<PageResponse<ContentResponse>> ListAsync(string? status, Guid? partnerId, Guid? after, int limit, CancellationToken cancellationToken)
    {
        var query = db.ProductPageContents.AsNoTracking().Where(entry => partnerId == null || entry.PartnerId == partnerId).OrderBy(entry => entry.Id);
        var items = new List<ContentResponse>(limit);
        var lastSeen = after;
        while (true)
        {
            var batch = await query.Where(entry => lastSeen == null || entry.Id.CompareTo(lastSeen.Value) > 0).Take(limit).ToListAsync(cancellationToken);
            foreach (var entry in batch)
            {
                lastSeen = entry.Id;
                var response = await ToResponseAsync(entry, cancellationToken);
                if (status is null || response.Status == status)
                {
                    items.Add(response);
                    if (items.Count == limit)
                    {
                        var more = await query.AnyAsync(later => later.Id.CompareTo(lastSeen.Value) > 0, cancellationToken);
                        return new PageResponse<ContentResponse>(items, more ? Paging.EncodeCursor(ProductPageEndpoints.ContentsList, lastSeen.Value) : null);
                    }
                }
            }

            if (batch.Count < limit)
            {
                return new PageResponse<ContentResponse>(items, null);
            }
        }
    }

    /// <summary>The entry's versions, oldest first, after version <paramref name="afterVersion"/>; null for an unknown entry.</summary>
    public async Task<PageResponse<ContentVersionResponse>?> VersionsAsync(Guid id, int afterVersion, int take, CancellationToken cancellationToken)
    {
        if (await db.ProductPageContents.AsNoTracking().SingleOrDefaultAsync(entry => entry.Id == id, cancellationToken) is not { } entry)
        {
            return null;
        }

        var versions = await db.ProductPageContentVersions.AsNoTracking().Where(version => version.ContentId == id && version.Version > afterVersion)
            .OrderBy(version => version.Version).Take(take + 1).ToListAsync(cancellationToken);
        return Paging.ToPage(ProductPageEndpoints.ContentVersionsList, versions, take, version => VersionCursor.ToGuid(version.Version), version => ToVersionResponse(version, entry));
    }

    /// <summary>Everything done with the entry, newest first; null for an unknown entry.</summary>
    public async Task<PageResponse<ContentChangeResponse>?> HistoryAsync(Guid id, Guid? after, int take, CancellationToken cancellationToken)
    {
        if (!await db.ProductPageContents.AnyAsync(entry => entry.Id == id, cancellationToken))
        {
            return null;
        }

        var query = db.ProductPageContentChanges.AsNoTracking().Where(change => change.ContentId == id);
        if (after is { } cursor)
        {
            query = query.Where(change => change.Id.CompareTo(cursor) < 0);
        }

        var changes = await query.OrderByDescending(change => change.Id).Take(take + 1).ToListAsync(cancellationToken);
        return Paging.ToPage(ProductPageEndpoints.ContentHistoryList, changes, take, change => change.Id, ContentChangeResponse.From);
    }

    public async Task<ContentVersionResponse?> VersionAsync(Guid id, int number, CancellationToken cancellationToken)
    {
        var entry = await db.ProductPageContents.AsNoTracking().SingleOrDefaultAsync(entry => entry.Id == id, cancellationToken);
        var version = entry is null ? null : await db.ProductPageContentVersions.AsNoTracking()
            .SingleOrDefaultAsync(version => version.ContentId == id && version.Version == number, cancellationToken);
        return version is null ? null : ToVersionResponse(version, entry!);
    }

    /// <summary>Per-variant results of the live (else latest) version's variants, from the experiments' counts.</summary>
    public async Task<ContentResults?> ResultsAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await db.ProductPageContents.AsNoTracking().SingleOrDefaultAsync(entry => entry.Id == id, cancellationToken) is not { } entry)
        {
            return null;
        }

        var definition = ContentDefinitions.Read(await DefinitionJsonAsync(id, entry.LiveVersion ?? entry.LatestVersion, cancellationToken));
        var stats = await db.ExperimentVariantStats.AsNoTracking().Where(row => row.ExperimentId == id).ToDictionaryAsync(row => row.Variant, cancellationToken);
        var sales = await db.ExperimentVariantSales.AsNoTracking().Where(row => row.ExperimentId == id).ToListAsync(cancellationToken);
        var groups = definition.Variants.Select(variant => (variant.Key, (Guid?)null)).ToList();
        if (definition.HoldoutPercent > 0 || stats.ContainsKey(ExperimentAssignment.Holdout))
        {
            groups.Insert(0, (ExperimentAssignment.Holdout, null));
        }

        var baseline = groups[0].Key;
        var response = await ToResponseAsync(entry, cancellationToken);
        return new ContentResults(id, response.Status, entry.LiveVersion, baseline, ExperimentResultsCalculator.Method,
            ExperimentResultsCalculator.Compute(groups, stats, sales, baseline));
    }

    private Task<ContentResult> SetStateAsync(
        Guid id, string? reason, string actor, PromotionChangeAction action, PromotionState target, PromotionState[] allowedFrom,
        CancellationToken cancellationToken) =>
        ChangeAsync(id, actor, action, reason, (entry, _) =>
        {
            if (entry.State == target)
            {
                return null;
            }

            if (!allowedFrom.Contains(entry.State))
            {
                return ContentResult.Conflict($"An entry that is {entry.State.ToString().ToLowerInvariant()} cannot become {target.ToString().ToLowerInvariant()}.");
            }

            entry.State = target;
            return null;
        }, touchesLive: true, cancellationToken);

    /// <summary>
    /// Locks the entry, applies <paramref name="change"/> (a refusal, or null), appends it to the history and, when the
    /// change can touch what is live, bumps the rule-set version, all in one transaction; tells every instance after commit.
    /// A change to what is live that leaves its state and live version as they were (publishing the version already live,
    /// a transition to the state it is already in) changes and records nothing.
    /// </summary>
    private async Task<ContentResult> ChangeAsync(
        Guid id, string actor, PromotionChangeAction action, string? reason, Func<ProductPageContentEntry, DateTimeOffset, ContentResult?> change,
        bool touchesLive, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var entry = await db.ProductPageContents.FromSql($"SELECT * FROM product_page_contents WHERE id = {id} FOR UPDATE").SingleOrDefaultAsync(cancellationToken);
        if (entry is null)
        {
            return ContentResult.NotFound();
        }

        var before = (entry.State, entry.LiveVersion);
        var now = StorageTime.Now(timeProvider);
        if (change(entry, now) is { } refused)
        {
            return refused;
        }

        if (touchesLive && before == (entry.State, entry.LiveVersion))
        {
            return new ContentResult(ContentOutcome.Done, await ToResponseAsync(entry, cancellationToken));
        }

        entry.UpdatedAt = now;
        long? ruleSetVersion = null;
        if (touchesLive)
        {
            ruleSetVersion = (await RuleSetVersions.BumpAsync(db, actor, now, cancellationToken)).Version;
        }

        if (action == PromotionChangeAction.Published && entry.LiveVersion < entry.LatestVersion)
        {
            action = PromotionChangeAction.RolledBack; // publishing an earlier version is the rollback
        }

        var concerns = action == PromotionChangeAction.Edited ? entry.LatestVersion : entry.LiveVersion ?? entry.LatestVersion;
        db.ProductPageContentChanges.Add(NewChange(entry, action, before.State, concerns, actor, now, reason, ruleSetVersion));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (ruleSetVersion is { } version)
        {
            await notifier.ChangedAsync(version, cancellationToken);
        }

        return new ContentResult(ContentOutcome.Done, await ToResponseAsync(entry, cancellationToken));
    }

    private async Task<ContentResult?> UnknownPartnerAsync(ContentDefinition definition, CancellationToken cancellationToken) =>
        definition.Target.PartnerId is { } partnerId && !await db.Partners.AnyAsync(partner => partner.Id == partnerId, cancellationToken)
            ? new ContentResult(ContentOutcome.Unprocessable, Problem: $"No partner {partnerId} is known.")
            : null;

    /// <summary>The whole request is what a retry must say again: the definition and the reason of the first version.</summary>
    private async Task<ContentResult?> ReplayAsync(string idempotencyKey, string json, string? reason, CancellationToken cancellationToken)
    {
        var existing = await db.ProductPageContents.AsNoTracking().SingleOrDefaultAsync(entry => entry.IdempotencyKey == idempotencyKey, cancellationToken);
        if (existing is null)
        {
            return null;
        }

        var first = await db.ProductPageContentVersions.AsNoTracking().Where(stored => stored.ContentId == existing.Id && stored.Version == 1)
            .Select(stored => new { stored.Definition, stored.Reason }).SingleAsync(cancellationToken);
        return System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(first.Definition), System.Text.Json.Nodes.JsonNode.Parse(json))
            && string.Equals(first.Reason, reason, StringComparison.Ordinal)
            ? new ContentResult(ContentOutcome.Replayed, await ToResponseAsync(existing, cancellationToken))
            : new ContentResult(ContentOutcome.KeyReused, Problem: $"Idempotency-Key '{idempotencyKey}' was already used to create entry {existing.Id} with a different request.");
    }

    private async Task<string> DefinitionJsonAsync(Guid id, int version, CancellationToken cancellationToken) =>
        db.ProductPageContentVersions.Local.FirstOrDefault(local => local.ContentId == id && local.Version == version)?.Definition
        ?? await db.ProductPageContentVersions.AsNoTracking().Where(stored => stored.ContentId == id && stored.Version == version)
            .Select(stored => stored.Definition).SingleAsync(cancellationToken);

    private async Task<ContentResponse> ToResponseAsync(ProductPageContentEntry entry, CancellationToken cancellationToken)
    {
        var latest = ContentDefinitions.Read(await DefinitionJsonAsync(entry.Id, entry.LatestVersion, cancellationToken));
        var live = entry.LiveVersion is { } liveVersion && liveVersion != entry.LatestVersion
            ? ContentDefinitions.Read(await DefinitionJsonAsync(entry.Id, liveVersion, cancellationToken))
            : entry.LiveVersion is null ? null : latest;
        return ToResponse(entry, latest, live, timeProvider.GetUtcNow());
    }

    private static ContentResponse ToResponse(ProductPageContentEntry entry, ContentDefinition latest, ContentDefinition? live, DateTimeOffset now) =>
        new(entry.Id, entry.Name, PromotionStatuses.Of(entry.State, live?.Schedule, now), entry.LiveVersion, entry.LatestVersion,
            entry.LiveVersion != entry.LatestVersion, entry.CreatedAt, entry.CreatedBy, entry.UpdatedAt, latest);

    private static ContentVersionResponse ToVersionResponse(ProductPageContentVersion version, ProductPageContentEntry entry) =>
        new(version.ContentId, version.Version, version.Version == entry.LiveVersion && entry.State != PromotionState.Ended,
            version.ChangedBy, version.ChangedAt, version.Reason, ContentDefinitions.Read(version.Definition));

    private static ProductPageContentChange NewChange(
        ProductPageContentEntry entry, PromotionChangeAction action, PromotionState? from, int version, string actor, DateTimeOffset now, string? reason,
        long? ruleSetVersion) =>
        new()
        {
            Id = Guid.CreateVersion7(now),
            ContentId = entry.Id,
            Action = action,
            FromState = from,
            ToState = entry.State,
            Version = version,
            ChangedBy = actor,
            ChangedAt = now,
            Reason = reason,
            RuleSetVersion = ruleSetVersion,
        };

    private static ProductPageContentVersion NewVersion(Guid id, int number, string json, string actor, DateTimeOffset now, string? reason) =>
        new() { ContentId = id, Version = number, Definition = json, ChangedBy = actor, ChangedAt = now, Reason = reason };
}
