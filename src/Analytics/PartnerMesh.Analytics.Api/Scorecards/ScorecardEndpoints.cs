using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerMesh.Analytics.Api.Aggregation;
using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.Analytics.Api.Kpis;
using PartnerMesh.Analytics.Api.Reporting;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.Analytics.Api.Scorecards;

public sealed record Scorecard(
    Guid PartnerId,
    string? PartnerName,
    DateOnly From,
    DateOnly To,
    KpiFigures Kpis,
    IReadOnlyList<ConcentrationResponse> ConcentrationFlags,
    PartnershipComparison? Comparison,
    PartnerSurveyWeeks? Surveys = null);

/// <summary>Merchant-wide figures in equal windows before and from a partnership's start; lift = after − before.</summary>
public sealed record PartnershipComparison(
    DateOnly PartnershipStart,
    int WindowDays,
    KpiFigures Before,
    KpiFigures After,
    decimal? ConversionLift,
    decimal? CartRecoveryLift);

/// <summary>
/// A partner's revenue share in a currency over the trailing window. On a partner's own scorecard <see cref="TotalRevenue"/>
/// and <see cref="RevenueShare"/> are <c>null</c> with <see cref="FiguresSuppressed"/>: with its own revenue they would
/// give everyone else's, and the window slides by a day, so two reads would give one day's.
/// </summary>
public sealed record ConcentrationResponse(
    Guid PartnerId, string Currency, decimal PartnerRevenue, decimal? TotalRevenue, decimal? RevenueShare, bool Flagged, bool FiguresSuppressed = false);

public sealed record ConcentrationReport(decimal Threshold, DateOnly From, DateOnly To, IReadOnlyList<ConcentrationResponse> Partners);

public sealed record PartnerScorecards(DateOnly From, DateOnly To, IReadOnlyList<KpiTotals> Partners);

public static class ScorecardEndpoints
{
    public const int MaxWindowDays = 183;

    public static RouteGroupBuilder MapScorecardEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/analytics").WithTags("Analytics scorecards");
        group.MapGet("/partners/{partnerId:guid}/scorecard", GetScorecardAsync).WithName("GetPartnerScorecard")
            .RequireAuthorization(PartnerMeshPolicies.PartnerOrAdmin)
            .Produces<Scorecard>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/scorecards", GetAllAsync).WithName("GetPartnerScorecards")
            .RequireAuthorization(PartnerMeshPolicies.Admin)
            .Produces<PartnerScorecards>()
            .ProducesValidationProblem();
        group.MapGet("/concentration", GetConcentrationAsync).WithName("GetConcentrationRisk")
            .RequireAuthorization(PartnerMeshPolicies.Admin)
            .Produces<ConcentrationReport>();
        return group;
    }

    /// <summary>
    /// A partner's scorecard over a range (default the last 30 days): traffic, conversion, AOV, abandonment and recovery,
    /// NPS of its customers (for a partner, of the published weeks the range touches, each shown from k responses:
    /// <see cref="PartnerSurveyCells"/>, with the cells in <c>surveys</c>), refund rate, commission against revenue,
    /// revenue share and concentration flags (with the trailing window's revenue figures; for a partner its own revenue
    /// only, and revenue shares as <see cref="PartnerRevenueShares"/> allows). An admin also
    /// gets the merchant-wide before/after comparison from the partnership's start (<c>partnershipStart</c>, default the
    /// partner's registration day) over <c>windowDays</c> (default 30). An admin asking for a partner analytics never heard
    /// of gets 404 (<see cref="KnownPartners"/>); a known partner without data gets zeros.
    /// </summary>
    private static async Task<Results<Ok<Scorecard>, ValidationProblem, ProblemHttpResult>> GetScorecardAsync(
        Guid partnerId,
        string? from,
        string? to,
        string? partnershipStart,
        int? windowDays,
        ClaimsPrincipal user,
        AnalyticsDbContext db,
        KpiReader reader,
        PartnerSurveyCells surveyCells,
        PartnerRevenueShares revenueShares,
        ConcentrationMonitor monitor,
        IOptions<AnalyticsOptions> options,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        if (!user.MayReadPartner(partnerId))
        {
            return TypedResults.Problem("A partner may read only its own scorecard.", statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
        }

        var zone = options.Value.TimeZone();
        var today = LocalDay(timeProvider.GetUtcNow(), zone);
        var errors = ParseRange(from, to, today, out var fromDay, out var toDay);
        DateOnly? start = null;
        if (partnershipStart is not null)
        {
            if (KpiDateRange.Parse(partnershipStart, out var parsed) is { } error)
            {
                errors["partnershipStart"] = [error];
            }
            else
            {
                start = parsed;
            }
        }

        var window = windowDays ?? 30;
        if (window is < 1 or > MaxWindowDays)
        {
            errors["windowDays"] = [$"Between 1 and {MaxWindowDays}."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var partner = await db.Partners.AsNoTracking().SingleOrDefaultAsync(p => p.Id == partnerId, cancellationToken);
        if (partner is null && user.IsAdmin() && !await db.KnowsPartnerAsync(partnerId, cancellationToken))
        {
            return KnownPartners.NotFound(partnerId);
        }

        var report = await reader.ReportAsync(Granularities.Day, Dimensions.Partner, partnerId.ToString(), fromDay, toDay, cancellationToken);
        var flags = await db.ConcentrationFlags.AsNoTracking().Where(flag => flag.PartnerId == partnerId && flag.Active).ToListAsync(cancellationToken);
        var shares = flags.Count == 0 ? [] : (await monitor.SharesAsync(cancellationToken)).Shares.Where(share => share.PartnerId == partnerId).ToList();
        var kpis = report.Totals[0].Kpis;
        PartnerSurveyWeeks? surveys = null;
        if (!user.IsAdmin())
        {
            var (weeks, cells, incomplete) = await surveyCells.ReadAsync(partnerId, Dimensions.Partner, null, fromDay, toDay, cancellationToken);
            kpis = SurveyAnonymity.WithCells(await revenueShares.ApplyToTotalAsync(report, partnerId, cancellationToken), cells, incomplete);
            surveys = weeks;
        }

        PartnershipComparison? comparison = null;
        start ??= partner is null ? null : LocalDay(partner.RegisteredAt, zone);
        if (user.IsAdmin() && start is { } startDay)
        {
            var before = (await reader.ReportAsync(Granularities.Day, Dimensions.All, null, startDay.AddDays(-window), startDay.AddDays(-1), cancellationToken)).Totals[0].Kpis;
            var after = (await reader.ReportAsync(Granularities.Day, Dimensions.All, null, startDay, startDay.AddDays(window - 1), cancellationToken)).Totals[0].Kpis;
            comparison = new PartnershipComparison(
                startDay, window, before, after,
                Lift(before.ConvertedSessions, before.Sessions, after.ConvertedSessions, after.Sessions),
                Lift(before.RecoveredCarts, before.AbandonedCarts, after.RecoveredCarts, after.AbandonedCarts));
        }

        return TypedResults.Ok(new Scorecard(
            partnerId,
            partner?.Name,
            fromDay,
            toDay,
            kpis,
            flags.Select(flag => Flag(flag, shares)).Select(flag => user.IsAdmin() ? flag : flag with { TotalRevenue = null, RevenueShare = null, FiguresSuppressed = true }).ToList(),
            comparison,
            surveys));
    }

    /// <summary>Every partner's totals over a range, side by side (admin only).</summary>
    private static async Task<Results<Ok<PartnerScorecards>, ValidationProblem>> GetAllAsync(
        string? from, string? to, KpiReader reader, IOptions<AnalyticsOptions> options, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var errors = ParseRange(from, to, LocalDay(timeProvider.GetUtcNow(), options.Value.TimeZone()), out var fromDay, out var toDay);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var report = await reader.ReportAsync(Granularities.Day, Dimensions.Partner, null, fromDay, toDay, cancellationToken);
        return TypedResults.Ok(new PartnerScorecards(fromDay, toDay, report.Totals));
    }

    /// <summary>Each partner's share of revenue per currency over the trailing window, and which are flagged.</summary>
    private static async Task<Ok<ConcentrationReport>> GetConcentrationAsync(
        ConcentrationMonitor monitor, IOptions<AnalyticsOptions> options, CancellationToken cancellationToken)
    {
        var (from, to, shares, flagged) = await monitor.CheckAsync(cancellationToken);
        return TypedResults.Ok(new ConcentrationReport(
            options.Value.ConcentrationRisk.Threshold,
            from,
            to,
            shares.Select(share => new ConcentrationResponse(
                share.PartnerId, share.Currency, share.PartnerRevenue, share.TotalRevenue, share.Share, flagged.Contains((share.PartnerId, share.Currency)))).ToList()));
    }

    /// <summary>
    /// An active flag with the trailing window's figures as the concentration check measures them; a flag whose partner
    /// has no revenue in the window any more keeps its last share until the next check clears it.
    /// </summary>
    private static ConcentrationResponse Flag(ConcentrationFlag flag, List<PartnerShare> shares) =>
        shares.FirstOrDefault(share => share.Currency == flag.Currency) is { } share
            ? new ConcentrationResponse(flag.PartnerId, flag.Currency, share.PartnerRevenue, share.TotalRevenue, share.Share, true)
            : new ConcentrationResponse(flag.PartnerId, flag.Currency, 0m, 0m, flag.RevenueShare, true);

    /// <summary>
    /// After's rate minus before's, from the exact ratios and rounded once (as a rate is, half away from zero to
    /// <see cref="KpiRates.RatioDecimals"/>): 1/3 − 1/6 is 0.1667, not the difference of the rounded rates (0.1666).
    /// </summary>
    private static decimal? Lift(long beforeCount, long beforeOf, long afterCount, long afterOf) =>
        beforeOf == 0 || afterOf == 0
            ? null
            : Math.Round((decimal)afterCount / afterOf - (decimal)beforeCount / beforeOf, KpiRates.RatioDecimals, MidpointRounding.AwayFromZero);

    private static DateOnly LocalDay(DateTimeOffset at, TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);

    private static Dictionary<string, string[]> ParseRange(string? from, string? to, DateOnly today, out DateOnly fromDay, out DateOnly toDay)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        toDay = today;
        fromDay = today.AddDays(-29);
        if (to is not null && KpiDateRange.Parse(to, out toDay) is { } toError)
        {
            errors["to"] = [toError];
        }

        if (from is not null && KpiDateRange.Parse(from, out fromDay) is { } fromError)
        {
            errors["from"] = [fromError];
        }
        else if (from is null && errors.Count == 0)
        {
            fromDay = toDay.AddDays(-29);
        }

        if (errors.Count == 0 && fromDay > toDay)
        {
            errors["from"] = ["'from' must not be after 'to'."];
        }
        else if (errors.Count == 0 && toDay.DayNumber - fromDay.DayNumber + 1 > ReportingEndpoints.MaxDays)
        {
            errors["to"] = [$"A range covers at most {ReportingEndpoints.MaxDays} days."];
        }

        return errors;
    }
}
