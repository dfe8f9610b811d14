using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Promotions.Api.Common;
using PartnerMesh.Promotions.Api.Infrastructure;
using PartnerMesh.Promotions.Domain.Definitions;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.Promotions.Api.RuleSets;

/// <summary>The project-wide switches: stacking mode and the kill switch that stops every promotion at once.</summary>
public sealed record EngineSettings(
    StackingMode StackingMode, bool KillSwitch, decimal? MaxCombinedDiscountPercent, long RuleSetVersion, DateTimeOffset UpdatedAt, string? UpdatedBy);

/// <summary><c>maxCombinedDiscountPercent</c>: 1–100, or 0 to remove the limit.</summary>
public sealed record UpdateEngineSettings(StackingMode? StackingMode, bool? KillSwitch, decimal? MaxCombinedDiscountPercent = null);

public static class SettingsEndpoints
{
    public static RouteGroupBuilder MapSettingsEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/promotions/settings")
            .WithTags("Settings")
            .RequireAuthorization(PartnerMeshPolicies.Admin);

        group.MapGet("/", GetEngineSettings).WithName(nameof(GetEngineSettings));
        group.MapPut("/", UpdateEngineSettings).WithName(nameof(UpdateEngineSettings));

        return group;
    }

    private static async Task<Ok<EngineSettings>> GetEngineSettings(PromotionsDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(ToResponse(await db.RuleSetStates.AsNoTracking().SingleAsync(cancellationToken)));

    /// <summary>Changes take effect on every instance within a second (the kill switch included).</summary>
    private static async Task<Results<Ok<EngineSettings>, ValidationProblem>> UpdateEngineSettings(
        UpdateEngineSettings request, PromotionsDbContext db, RuleSetNotifier notifier, TimeProvider timeProvider, ClaimsPrincipal user,
        CancellationToken cancellationToken)
    {
        if (request.StackingMode is null && request.KillSwitch is null && request.MaxCombinedDiscountPercent is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["stackingMode"] = ["Change stackingMode (stack, bestDeal), killSwitch, maxCombinedDiscountPercent, or several."],
            });
        }

        if (request.MaxCombinedDiscountPercent is < 0 or > 100)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["maxCombinedDiscountPercent"] = ["1 to 100, or 0 for no limit."] });
        }

        if (request.StackingMode is { } mode && !Enum.IsDefined(mode))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["stackingMode"] = ["stack or bestDeal."] });
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var state = await db.RuleSetStates.FromSql($"SELECT * FROM rule_set_state WHERE id = {RuleSetState.SingletonId} FOR UPDATE").SingleAsync(cancellationToken);
        state.StackingMode = request.StackingMode ?? state.StackingMode;
        state.KillSwitch = request.KillSwitch ?? state.KillSwitch;
        if (request.MaxCombinedDiscountPercent is { } max)
        {
            state.MaxCombinedDiscountPercent = max == 0 ? null : max;
        }

        state.Version++;
        state.UpdatedAt = timeProvider.GetUtcNow();
        state.UpdatedBy = Actor.Of(user);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await notifier.ChangedAsync(state.Version, cancellationToken);
        return TypedResults.Ok(ToResponse(state));
    }

    private static EngineSettings ToResponse(RuleSetState state) =>
        new(state.StackingMode, state.KillSwitch, state.MaxCombinedDiscountPercent, state.Version, state.UpdatedAt, state.UpdatedBy);
}
