using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Data;
using PartnerMesh.Promotions.Api.Common;
using PartnerMesh.Promotions.Api.Infrastructure;
using PartnerMesh.Promotions.Domain.Definitions;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Promotions.Api.RuleSets;

/// <summary>The project-wide switches: stacking mode and the kill switch that stops every promotion at once; <c>lastChange</c>
/// says who changed them last, when and why (<c>updatedBy</c> is whoever last changed anything live, a publish included).</summary>
public sealed record EngineSettings(
    StackingMode StackingMode, bool KillSwitch, decimal? MaxCombinedDiscountPercent, long RuleSetVersion, DateTimeOffset UpdatedAt, string? UpdatedBy,
    SettingsChangeResponse? LastChange);

/// <summary><c>maxCombinedDiscountPercent</c>: 1–100, or 0 to remove the limit. <c>reason</c> (at most 500 characters) is
/// kept in the history; it is required with <c>killSwitch</c>.</summary>
public sealed record UpdateEngineSettings(StackingMode? StackingMode, bool? KillSwitch, decimal? MaxCombinedDiscountPercent = null, string? Reason = null);

public static class SettingsEndpoints
{
    private const string SettingsHistoryList = "promotions.settings-history";

    public const int MaxReasonLength = 500;

    public static RouteGroupBuilder MapSettingsEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/promotions/settings")
            .WithTags("Settings")
            .RequireAuthorization(PartnerMeshPolicies.Admin);

        group.MapGet("/", GetEngineSettings).WithName(nameof(GetEngineSettings));
        group.MapPut("/", UpdateEngineSettings).WithName(nameof(UpdateEngineSettings));
        group.MapGet("/history", ListSettingsChanges).WithName(nameof(ListSettingsChanges));

        return group;
    }

    private static async Task<Ok<EngineSettings>> GetEngineSettings(PromotionsDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(ToResponse(await db.RuleSetStates.AsNoTracking().SingleAsync(cancellationToken), await LastChangeAsync(db, cancellationToken)));

    /// <summary>Changes take effect on every instance within a second (the kill switch included); each change is kept in
    /// the history with who, when and why.</summary>
    private static async Task<Results<Ok<EngineSettings>, ValidationProblem>> UpdateEngineSettings(
        UpdateEngineSettings request, PromotionsDbContext db, RuleSetNotifier notifier, TimeProvider timeProvider, ClaimsPrincipal user,
        CancellationToken cancellationToken)
    {
        if (request.StackingMode is null && request.KillSwitch is null && request.MaxCombinedDiscountPercent is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["stackingMode"] = ["Change stackingMode (stack, bestDeal, lowestDiscount, stackable, listOrder, highestDiscount), killSwitch, maxCombinedDiscountPercent, or several."],
            });
        }

        if (request.MaxCombinedDiscountPercent is < 0 or > 100)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["maxCombinedDiscountPercent"] = ["1 to 100, or 0 for no limit."] });
        }

        if (request.StackingMode is { } mode && !Enum.IsDefined(mode))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["stackingMode"] = ["stack, bestDeal, lowestDiscount, stackable, listOrder or highestDiscount."] });
        }

        // A reason is kept when given, never required: a kill switch must flip at once in an incident.
        if (request.Reason is { Length: > MaxReasonLength })
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["reason"] = [$"At most {MaxReasonLength} characters."],
            });
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var state = await db.RuleSetStates.FromSql($"SELECT * FROM rule_set_state WHERE id = {RuleSetState.SingletonId} FOR UPDATE").SingleAsync(cancellationToken);
        var changes = new List<SettingChange>();
        if (request.StackingMode is { } stackingMode && stackingMode != state.StackingMode)
        {
            changes.Add(new SettingChange("stackingMode", JsonValue.Create(Name(state.StackingMode)), JsonValue.Create(Name(stackingMode))));
            state.StackingMode = stackingMode;
        }

        if (request.KillSwitch is { } killSwitch && killSwitch != state.KillSwitch)
        {
            changes.Add(new SettingChange("killSwitch", JsonValue.Create(state.KillSwitch), JsonValue.Create(killSwitch)));
            state.KillSwitch = killSwitch;
        }

        decimal? limit = request.MaxCombinedDiscountPercent is { } max && max != 0 ? max : null;
        if (request.MaxCombinedDiscountPercent is not null && limit != state.MaxCombinedDiscountPercent)
        {
            changes.Add(new SettingChange("maxCombinedDiscountPercent", JsonValue.Create(state.MaxCombinedDiscountPercent), JsonValue.Create(limit)));
            state.MaxCombinedDiscountPercent = limit;
        }

        if (changes.Count == 0)
        {
            // Nothing differs: nothing to reload, nothing to record.
            return TypedResults.Ok(ToResponse(state, await LastChangeAsync(db, cancellationToken)));
        }

        var now = StorageTime.Now(timeProvider);
        state.Version++;
        state.UpdatedAt = now;
        state.UpdatedBy = Actor.Of(user);
        var change = new SettingsChange
        {
            Id = Guid.CreateVersion7(now),
            ChangedAt = now,
            ChangedBy = state.UpdatedBy,
            Reason = string.IsNullOrWhiteSpace(request.Reason) ? null : request.Reason.Trim(),
            Changes = SettingsChange.Write(changes),
            RuleSetVersion = state.Version,
        };
        db.SettingsChanges.Add(change);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await notifier.ChangedAsync(state.Version, cancellationToken);
        return TypedResults.Ok(ToResponse(state, SettingsChangeResponse.From(change)));
    }

    /// <summary>Every settings change, newest first; pass <c>nextCursor</c> as <c>after</c> for the next page.</summary>
    private static async Task<Results<Ok<PageResponse<SettingsChangeResponse>>, ValidationProblem>> ListSettingsChanges(
        PromotionsDbContext db, CancellationToken cancellationToken, int? limit = null, string? after = null)
    {
        if (Paging.Validate(SettingsHistoryList, limit, after, out var take, out var afterId) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var query = db.SettingsChanges.AsNoTracking();
        if (afterId is { } cursor)
        {
            query = query.Where(change => change.Id.CompareTo(cursor) < 0);
        }

        var rows = await query.OrderByDescending(change => change.Id).Take(take + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(Paging.ToPage(SettingsHistoryList, rows, take, change => change.Id, SettingsChangeResponse.From));
    }

    private static async Task<SettingsChangeResponse?> LastChangeAsync(PromotionsDbContext db, CancellationToken cancellationToken) =>
        await db.SettingsChanges.AsNoTracking().OrderByDescending(change => change.Id).FirstOrDefaultAsync(cancellationToken) is { } last
            ? SettingsChangeResponse.From(last)
            : null;

    private static string Name(StackingMode mode) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(mode.ToString());

    private static EngineSettings ToResponse(RuleSetState state, SettingsChangeResponse? lastChange) =>
        new(state.StackingMode, state.KillSwitch, state.MaxCombinedDiscountPercent, state.Version, state.UpdatedAt, state.UpdatedBy, lastChange);
}
