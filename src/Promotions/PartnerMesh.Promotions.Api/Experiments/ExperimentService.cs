using Microsoft.EntityFrameworkCore;
using PartnerMesh.Contracts.Promotions;
using PartnerMesh.Data;
using PartnerMesh.Outbox;
using PartnerMesh.Promotions.Api.Definitions;
using PartnerMesh.Promotions.Api.Infrastructure;
using PartnerMesh.Promotions.Api.Infrastructure.Configurations;
using PartnerMesh.Promotions.Api.RuleSets;
using PartnerMesh.Promotions.Domain.Experiments;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Promotions.Api.Experiments;

public enum ExperimentOutcome
{
    Done,
    Replayed,
    NotFound,
    Conflict,
    Unprocessable,
    KeyReused,
}

public sealed record ExperimentResult(ExperimentOutcome Outcome, ExperimentResponse? Experiment = null, string? Problem = null)
{
    public static ExperimentResult NotFound() => new(ExperimentOutcome.NotFound);

    public static ExperimentResult Conflict(string problem) => new(ExperimentOutcome.Conflict, Problem: problem);

    public static ExperimentResult Unprocessable(string problem) => new(ExperimentOutcome.Unprocessable, Problem: problem);
}

/// <summary>
/// Experiments' lifecycle. Starting, stopping and promoting a winner change what evaluations do, so each bumps the
/// rule-set version in the same transaction as the change and its event, and every instance reloads (as a publish does).
/// Promoting a winner ends the other variants' promotions in that transaction: the winner's promotion is then simply live.
/// </summary>
public sealed class ExperimentService(PromotionsDbContext db, RuleSetNotifier notifier, TimeProvider timeProvider)
{
    public async Task<ExperimentResult> CreateAsync(CreateExperimentRequest request, string? idempotencyKey, string actor, CancellationToken cancellationToken)
    {
        if (idempotencyKey is not null && await db.Experiments.AsNoTracking().SingleOrDefaultAsync(experiment => experiment.IdempotencyKey == idempotencyKey, cancellationToken) is { } replay)
        {
            return Replay(replay, request);
        }

        if (request.PartnerId is { } partnerId && !await db.Partners.AnyAsync(partner => partner.Id == partnerId, cancellationToken))
        {
            return ExperimentResult.Unprocessable($"No partner {partnerId} is known.");
        }

        var variants = request.Variants!.Select(variant => new ExperimentVariant(variant.Key!, variant.PromotionId, variant.Weight!.Value)).ToList();
        if (await CheckPromotionsAsync(variants, null, cancellationToken) is { } problem)
        {
            return problem;
        }

        var now = StorageTime.Now(timeProvider);
        var experiment = new Experiment
        {
            Id = Guid.CreateVersion7(now),
            Name = request.Name!.Trim(),
            Status = ExperimentStatuses.Draft,
            Variants = ExperimentVariants.Write(variants),
            HoldoutPercent = request.HoldoutPercent ?? 0,
            PartnerId = request.PartnerId,
            IdempotencyKey = idempotencyKey,
            CreatedAt = now,
            CreatedBy = actor,
        };
        db.Experiments.Add(experiment);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation(ExperimentConfiguration.UniqueIdempotencyKeyIndex))
        {
            db.ChangeTracker.Clear();
            return Replay(await db.Experiments.AsNoTracking().SingleAsync(stored => stored.IdempotencyKey == idempotencyKey, cancellationToken), request);
        }

        return new ExperimentResult(ExperimentOutcome.Done, ExperimentResponse.From(experiment));
    }

    /// <summary>The experiment an idempotency key created, when the retry asks for the same one; else a conflict.</summary>
    private static ExperimentResult Replay(Experiment existing, CreateExperimentRequest request)
    {
        var same = existing.Name == request.Name!.Trim()
            && existing.HoldoutPercent == (request.HoldoutPercent ?? 0)
            && existing.PartnerId == request.PartnerId
            && ExperimentVariants.Read(existing.Variants).SequenceEqual(
                request.Variants!.Select(variant => new ExperimentVariant(variant.Key!, variant.PromotionId, variant.Weight!.Value)));
        return same
            ? new ExperimentResult(ExperimentOutcome.Replayed, ExperimentResponse.From(existing))
            : new ExperimentResult(ExperimentOutcome.KeyReused, Problem: $"This Idempotency-Key already created experiment {existing.Id} from a different request; send a new key for a new experiment.");
    }

    public Task<ExperimentResult> StartAsync(Guid id, string actor, CancellationToken cancellationToken) =>
        ChangeAsync(id, actor, async (experiment, now) =>
        {
            if (experiment.Status is not (ExperimentStatuses.Draft or ExperimentStatuses.Stopped))
            {
                return $"A {experiment.Status} experiment cannot start.";
            }

            // Two experiments sharing a promotion, started at once, must not both run: each start locks its promotions'
            // rows (in id order, so two starts never wait on each other in a cycle) before it looks for a running
            // experiment on them, so the second start waits for the first to commit and then sees it.
            var variants = ExperimentVariants.Read(experiment.Variants);
            var promotionIds = variants.Where(variant => variant.PromotionId is not null).Select(variant => variant.PromotionId!.Value).Distinct().ToArray();
            await db.Database.SqlQuery<Guid>($"SELECT id AS \"Value\" FROM promotions WHERE id = ANY({promotionIds}) ORDER BY id FOR UPDATE")
                .ToListAsync(cancellationToken);
            if (await CheckPromotionsAsync(variants, experiment.Id, cancellationToken) is { } problem)
            {
                return problem.Problem;
            }

            experiment.Status = ExperimentStatuses.Running;
            experiment.StartedAt ??= now;
            return null;
        }, cancellationToken);

    public Task<ExperimentResult> StopAsync(Guid id, string actor, CancellationToken cancellationToken) =>
        ChangeAsync(id, actor, (experiment, now) =>
        {
            if (experiment.Status != ExperimentStatuses.Running)
            {
                return Task.FromResult<string?>($"A {experiment.Status} experiment cannot stop.");
            }

            experiment.Status = ExperimentStatuses.Stopped;
            return Task.FromResult<string?>(null);
        }, cancellationToken);

    /// <summary>Completes the experiment with <paramref name="winner"/> (a variant key, or <c>holdout</c>) and ends the other variants' promotions.</summary>
    public Task<ExperimentResult> PromoteWinnerAsync(Guid id, string winner, string actor, CancellationToken cancellationToken)
    {
        var ended = new List<(Definitions.Promotion Promotion, PromotionState From)>();
        return ChangeAsync(id, actor, async (experiment, now) =>
        {
            if (experiment.Status is not (ExperimentStatuses.Running or ExperimentStatuses.Stopped))
            {
                return $"A {experiment.Status} experiment has no winner to promote.";
            }

            var variants = ExperimentVariants.Read(experiment.Variants);
            if (winner != ExperimentAssignment.Holdout && variants.All(variant => variant.Key != winner))
            {
                return $"Experiment {id} has no variant '{winner}'.";
            }

            var losers = variants.Where(variant => variant.Key != winner && variant.PromotionId is not null).Select(variant => variant.PromotionId!.Value).ToArray();
            var ending = await db.Promotions.FromSql($"SELECT *, xmin FROM promotions WHERE id = ANY({losers}) AND state <> {PromotionState.Ended.ToString()} FOR UPDATE")
                .ToListAsync(cancellationToken);
            foreach (var promotion in ending)
            {
                ended.Add((promotion, promotion.State));
                promotion.State = PromotionState.Ended;
                promotion.UpdatedAt = now;
            }

            experiment.Status = ExperimentStatuses.Completed;
            experiment.Winner = winner;
            experiment.EndedAt = now;
            return null;
        }, cancellationToken, (ruleSetVersion, now) =>
        {
            foreach (var (promotion, from) in ended)
            {
                var reason = $"lost experiment {id} to '{winner}'";
                db.AddIntegrationEvent(new PromotionStatusChanged
                {
                    EventId = Guid.CreateVersion7(now),
                    OccurredAt = now,
                    PromotionId = promotion.Id,
                    Version = promotion.LiveVersion ?? promotion.LatestVersion,
                    Status = "ended",
                    ChangedBy = actor,
                    Reason = reason,
                    RuleSetVersion = ruleSetVersion,
                });
                db.PromotionChanges.Add(PromotionCatalog.NewChange(promotion, PromotionChangeAction.Ended, from,
                    promotion.LiveVersion ?? promotion.LatestVersion, actor, now, reason, ruleSetVersion));
            }
        });
    }

    public async Task<ExperimentResponse?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        await db.Experiments.AsNoTracking().SingleOrDefaultAsync(experiment => experiment.Id == id, cancellationToken) is { } experiment
            ? ExperimentResponse.From(experiment)
            : null;

    /// <summary>Experiments by id (oldest first), a page of <paramref name="take"/> after <paramref name="after"/>.</summary>
    public async Task<PageResponse<ExperimentResponse>> ListAsync(int take, Guid? after, CancellationToken cancellationToken)
    {
        var query = db.Experiments.AsNoTracking();
        if (after is { } cursor)
        {
            query = query.Where(experiment => experiment.Id.CompareTo(cursor) > 0);
        }

        var rows = await query.OrderBy(experiment => experiment.Id).Take(take + 1).ToListAsync(cancellationToken);
        return Paging.ToPage(ExperimentEndpoints.ExperimentsList, rows, take, experiment => experiment.Id, ExperimentResponse.From);
    }

    public async Task<ExperimentResults?> ResultsAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await db.Experiments.AsNoTracking().SingleOrDefaultAsync(experiment => experiment.Id == id, cancellationToken) is not { } experiment)
        {
            return null;
        }

        var stats = await db.ExperimentVariantStats.AsNoTracking().Where(row => row.ExperimentId == id).ToDictionaryAsync(row => row.Variant, cancellationToken);
        var sales = await db.ExperimentVariantSales.AsNoTracking().Where(row => row.ExperimentId == id).ToListAsync(cancellationToken);
        var variants = ExperimentVariants.Read(experiment.Variants);
        var groups = variants.Select(variant => (variant.Key, variant.PromotionId)).ToList();
        if (experiment.HoldoutPercent > 0)
        {
            groups.Insert(0, (ExperimentAssignment.Holdout, null));
        }

        // Treatments are measured against what shoppers get without them: the holdout, else a control variant (one with
        // no promotion), else the first variant.
        var baseline = experiment.HoldoutPercent > 0
            ? ExperimentAssignment.Holdout
            : groups.FirstOrDefault(group => group.PromotionId is null).Key ?? groups[0].Key;
        return new ExperimentResults(id, experiment.Status, baseline, ExperimentResultsCalculator.Method,
            ExperimentResultsCalculator.Compute(groups, stats, sales, baseline));
    }

    private async Task<ExperimentResult?> CheckPromotionsAsync(IReadOnlyList<ExperimentVariant> variants, Guid? self, CancellationToken cancellationToken)
    {
        var ids = variants.Where(variant => variant.PromotionId is not null).Select(variant => variant.PromotionId!.Value).ToList();
        var promotions = await db.Promotions.AsNoTracking().Where(promotion => ids.Contains(promotion.Id))
            .ToDictionaryAsync(promotion => promotion.Id, promotion => promotion.State, cancellationToken);
        if (ids.FirstOrDefault(promotionId => !promotions.ContainsKey(promotionId)) is var unknown && unknown != Guid.Empty)
        {
            return ExperimentResult.Unprocessable($"No promotion {unknown} exists.");
        }

        if (ids.FirstOrDefault(promotionId => promotions[promotionId] == PromotionState.Ended) is var ended && ended != Guid.Empty)
        {
            return ExperimentResult.Conflict($"Promotion {ended} has ended: an experiment cannot show it.");
        }

        var running = await db.Experiments.AsNoTracking().Where(experiment => experiment.Status == ExperimentStatuses.Running && experiment.Id != self)
            .ToListAsync(cancellationToken);
        var taken = running.SelectMany(experiment => ExperimentVariants.Read(experiment.Variants).Select(variant => (experiment.Id, variant.PromotionId)))
            .FirstOrDefault(pair => pair.PromotionId is { } promotionId && ids.Contains(promotionId));
        return taken.PromotionId is { } busy
            ? ExperimentResult.Conflict($"Promotion {busy} is already in running experiment {taken.Id}.")
            : null;
    }

    /// <summary>Locks the experiment, applies <paramref name="change"/> (which returns a conflict or null), then bumps the
    /// rule-set version (after any promotion rows the change locked: the catalog's lock order) and stages the events.</summary>
    private async Task<ExperimentResult> ChangeAsync(
        Guid id, string actor, Func<Experiment, DateTimeOffset, Task<string?>> change, CancellationToken cancellationToken,
        Action<long, DateTimeOffset>? stageMore = null)
    {
        var now = StorageTime.Now(timeProvider);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var experiment = await db.Experiments.FromSql($"SELECT * FROM experiments WHERE id = {id} FOR UPDATE").SingleOrDefaultAsync(cancellationToken);
        if (experiment is null)
        {
            return ExperimentResult.NotFound();
        }

        if (await change(experiment, now) is { } conflict)
        {
            return ExperimentResult.Conflict(conflict);
        }

        var state = await RuleSetVersions.BumpAsync(db, actor, now, cancellationToken);
        stageMore?.Invoke(state.Version, now);
        db.AddIntegrationEvent(new ExperimentStatusChanged
        {
            EventId = Guid.CreateVersion7(now),
            OccurredAt = now,
            ExperimentId = experiment.Id,
            Name = experiment.Name,
            Status = experiment.Status,
            Variants = [.. ExperimentVariants.Read(experiment.Variants).Select(variant => variant.Key)],
            HoldoutPercent = experiment.HoldoutPercent,
            ChangedBy = actor,
            Winner = experiment.Winner,
            PartnerId = experiment.PartnerId,
        });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await notifier.ChangedAsync(state.Version, cancellationToken);
        return new ExperimentResult(ExperimentOutcome.Done, ExperimentResponse.From(experiment));
    }
}
