using Microsoft.EntityFrameworkCore;
using PartnerMesh.Promotions.Api.Common;
using PartnerMesh.Promotions.Api.Definitions;
using PartnerMesh.Promotions.Api.Experiments;
using PartnerMesh.Promotions.Api.Infrastructure;
using PartnerMesh.Promotions.Api.ProductPages;
using PartnerMesh.Promotions.Domain.Evaluation;
using PartnerMesh.Promotions.Domain.ProductPages;

namespace PartnerMesh.Promotions.Api.RuleSets;

/// <summary>
/// The compiled rule set this instance evaluates with. Built from PostgreSQL at start and whenever the rule-set version
/// moves (a publish, pause, end, rollback or settings change), then swapped in whole: an evaluation never sees half a
/// change and never reads the database for rules.
/// </summary>
public sealed class RuleSetProvider(IServiceScopeFactory scopes, PromotionsMetrics metrics, ILogger<RuleSetProvider> logger) : IDisposable
{
    private readonly SemaphoreSlim _reloading = new(1, 1);
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile RuleSet _current = RuleSet.Empty;
    private volatile ContentSnapshot _contents = ContentSnapshot.Empty;
    private volatile HashSet<Guid> _partners = [];

    public RuleSet Current => _current;

    /// <summary>The live product-page content entries, loaded with the rule set (same version, same refresh).</summary>
    public ContentSnapshot Contents => _contents;

    /// <summary>Partners known at the last load; one registered since is found by <see cref="RememberPartner"/>.</summary>
    public bool IsKnownPartner(Guid partnerId) => _partners.Contains(partnerId);

    public void RememberPartner(Guid partnerId) => _partners = new HashSet<Guid>(_partners) { partnerId };

    public void Dispose() => _reloading.Dispose();

    public bool IsLoaded => _loaded.Task.IsCompleted;

    public Task WhenLoadedAsync(CancellationToken cancellationToken) => _loaded.Task.WaitAsync(cancellationToken);

    /// <summary>Reloads when the stored version differs from the one in memory (or always, when forced).</summary>
    public async Task RefreshAsync(bool force, CancellationToken cancellationToken)
    {
        await _reloading.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PromotionsDbContext>();
            var state = await db.RuleSetStates.AsNoTracking().SingleAsync(cancellationToken);
            if (!force && IsLoaded && state.Version == _current.Version)
            {
                return;
            }

            var live = await db.Promotions.AsNoTracking()
                .Where(promotion => promotion.State == PromotionState.Published && promotion.LiveVersion != null)
                .Join(db.PromotionVersions.AsNoTracking(),
                    promotion => new { promotion.Id, Version = promotion.LiveVersion!.Value },
                    version => new { Id = version.PromotionId, version.Version },
                    (promotion, version) => version)
                .ToListAsync(cancellationToken);

            var compiled = new List<CompiledPromotion>(live.Count);
            foreach (var version in live)
            {
                try
                {
                    compiled.Add(new CompiledPromotion(version.PromotionId, version.Version, PromotionDefinitions.Read(version.Definition)));
                }
                catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or TimeZoneNotFoundException or System.Text.Json.JsonException)
                {
                    logger.LogError(exception, "Promotion {PromotionId} version {Version} cannot be compiled and is left out", version.PromotionId, version.Version);
                }
            }

            var experiments = (await db.Experiments.AsNoTracking().Where(experiment => experiment.Status == ExperimentStatuses.Running || experiment.Status == ExperimentStatuses.Stopped)
                .ToListAsync(cancellationToken)).Select(ExperimentVariants.Definition);
            var contents = await LoadContentsAsync(db, cancellationToken);
            _partners = (await db.Partners.AsNoTracking().Select(partner => partner.Id).ToListAsync(cancellationToken)).ToHashSet();
            _current = new RuleSet(state.Version, compiled, state.StackingMode, state.KillSwitch, experiments);
            _contents = contents;
            metrics.RuleSetLoaded(_current);
            _loaded.TrySetResult();
            logger.LogInformation("Rule set {Version} loaded: {Count} live promotions, mode {Mode}, kill switch {KillSwitch}",
                state.Version, compiled.Count, state.StackingMode, state.KillSwitch);
        }
        finally
        {
            _reloading.Release();
        }
    }

    private async Task<ContentSnapshot> LoadContentsAsync(PromotionsDbContext db, CancellationToken cancellationToken)
    {
        var live = await db.ProductPageContents.AsNoTracking()
            .Where(entry => entry.State == PromotionState.Published && entry.LiveVersion != null)
            .Join(db.ProductPageContentVersions.AsNoTracking(),
                entry => new { entry.Id, Version = entry.LiveVersion!.Value },
                version => new { Id = version.ContentId, version.Version },
                (entry, version) => version)
            .ToListAsync(cancellationToken);
        var compiled = new List<CompiledContent>(live.Count);
        foreach (var version in live)
        {
            try
            {
                compiled.Add(new CompiledContent(version.ContentId, version.Version, ContentDefinitions.Read(version.Definition)));
            }
            catch (System.Text.Json.JsonException exception)
            {
                logger.LogError(exception, "Content entry {ContentId} version {Version} cannot be read and is left out", version.ContentId, version.Version);
            }
        }

        return new ContentSnapshot(compiled);
    }
}
