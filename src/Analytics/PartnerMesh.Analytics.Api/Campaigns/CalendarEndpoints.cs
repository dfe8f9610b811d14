using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.Analytics.Api.Kpis;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.Analytics.Api.Campaigns;

/// <summary>A key shopping day with the campaigns running on it.</summary>
public sealed record CalendarDay(DateOnly Date, string Key, string Name, bool BuiltIn, IReadOnlyList<CampaignResponse> Campaigns);

public sealed record ShoppingCalendarResponse(DateOnly From, DateOnly To, IReadOnlyList<CalendarDay> Days, IReadOnlyList<CampaignResponse> Campaigns);

public static class CalendarEndpoints
{
    public const int MaxDays = 366;

    public static RouteGroupBuilder MapCalendarEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/analytics").WithTags("Analytics campaigns");
        group.MapGet("/calendar", GetAsync).WithName("GetShoppingCalendar").RequireAuthorization(PartnerMeshPolicies.Admin)
            .Produces<ShoppingCalendarResponse>().ProducesValidationProblem();
        return group;
    }

    /// <summary>
    /// The key shopping days in [from, to] (default: today and the next 365 days; at most <see cref="MaxDays"/> days), each
    /// with the campaigns overlapping it (incentives and targets as stored), and every campaign overlapping the range.
    /// </summary>
    private static async Task<Results<Ok<ShoppingCalendarResponse>, ValidationProblem>> GetAsync(
        string? from, string? to, AnalyticsDbContext db, TimeProvider timeProvider, IOptions<AnalyticsOptions> options, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var fromDay = Parse(from, "from", errors);
        var toDay = Parse(to, "to", errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        // A default bound stops at the first or last day analytics takes.
        fromDay ??= toDay is { } end ? Day(end.DayNumber + 1 - MaxDays) : CampaignEndpoints.Today(timeProvider, options);
        toDay ??= Day(fromDay.Value.DayNumber + MaxDays - 1);
        if (fromDay > toDay)
        {
            errors["from"] = ["'from' must not be after 'to'."];
        }
        else if (toDay.Value.DayNumber - fromDay.Value.DayNumber + 1 > MaxDays)
        {
            errors["to"] = [$"A calendar covers at most {MaxDays} days."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var (f, t) = (fromDay.Value, toDay.Value);
        var campaigns = await db.Campaigns.AsNoTracking()
            .Where(c => c.EndsOn >= f && c.StartsOn <= t)
            .OrderBy(c => c.StartsOn).ThenBy(c => c.Id)
            .ToListAsync(cancellationToken);
        var today = CampaignEndpoints.Today(timeProvider, options);
        var responses = campaigns.Select(c => CampaignEndpoints.ToResponse(c, today)).ToList();
        var days = ShoppingCalendar.Between(f, t, options.Value.Calendar)
            .Select(day => new CalendarDay(
                day.Date, day.Key, day.Name, day.BuiltIn, responses.Where(c => c.StartsOn <= day.Date && c.EndsOn >= day.Date).ToList()))
            .ToList();
        return TypedResults.Ok(new ShoppingCalendarResponse(f, t, days, responses));
    }

    private static DateOnly? Parse(string? text, string name, Dictionary<string, string[]> errors)
    {
        if (text is null)
        {
            return null;
        }

        if (KpiDateRange.Parse(text, out var day) is { } error)
        {
            errors[name] = [error];
            return null;
        }

        return day;
    }

    private static DateOnly Day(int dayNumber) =>
        DateOnly.FromDayNumber(Math.Clamp(dayNumber, KpiDateRange.MinDay.DayNumber, KpiDateRange.MaxDay.DayNumber));
}
