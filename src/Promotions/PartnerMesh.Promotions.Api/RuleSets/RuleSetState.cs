using Microsoft.EntityFrameworkCore;
using PartnerMesh.Promotions.Api.Infrastructure;
using PartnerMesh.Promotions.Domain.Definitions;

namespace PartnerMesh.Promotions.Api.RuleSets;

/// <summary>The single row every instance watches: any change to what is live bumps <see cref="Version"/>.</summary>
public sealed class RuleSetState
{
    public const int SingletonId = 1;

    public int Id { get; init; } = SingletonId;
    public long Version { get; set; }
    public StackingMode StackingMode { get; set; }
    public bool KillSwitch { get; set; }

    /// <summary>When set, publishing a promotion that could stack with others past this discount percent is refused (the audit).</summary>
    public decimal? MaxCombinedDiscountPercent { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string? UpdatedBy { get; set; }
}

public static class RuleSetVersions
{
    /// <summary>Locks the version row and moves it on, inside the caller's transaction; the caller saves, commits and notifies.</summary>
    public static async Task<RuleSetState> BumpAsync(PromotionsDbContext db, string actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var state = await db.RuleSetStates.FromSql($"SELECT * FROM rule_set_state WHERE id = {RuleSetState.SingletonId} FOR UPDATE")
            .SingleAsync(cancellationToken);
        state.Version++;
        state.UpdatedAt = now;
        state.UpdatedBy = actor;
        return state;
    }
}
