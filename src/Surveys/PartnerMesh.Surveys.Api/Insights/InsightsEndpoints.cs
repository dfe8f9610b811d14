using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.ServiceDefaults.WebApi;
using PartnerMesh.Surveys.Api.Common;
using PartnerMesh.Surveys.Api.Decisions;
using PartnerMesh.Surveys.Api.Definitions;
using PartnerMesh.Surveys.Api.Responses;

namespace PartnerMesh.Surveys.Api.Insights;

public static class InsightsEndpoints
{
    internal const string ResponsesList = "surveys.responses";

    public const int MaxDays = 400;
    public const int MaxWeeks = 53;

    /// <summary>How long after its end a week is published to partners.</summary>
    public static readonly TimeSpan PartnerPublicationDelay = TimeSpan.FromHours(1);

    public static void MapInsightsEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/surveys").WithTags("Insights").RequireAuthorization(PartnerMeshPolicies.Admin);
        admin.MapGet("/insights", GetInsights).WithName(nameof(GetInsights))
            .WithSummary("Response rate, NPS and CSAT with 95 % intervals, reasons and trend; optionally by partner, campaign, segment, touchpoint or survey")
            .ProducesValidationProblem();
        admin.MapGet("/responses", SearchResponses).WithName(nameof(SearchResponses))
            .WithSummary("Responses newest first, with free-text search (q)").ProducesValidationProblem();
        admin.MapGet("/responses/export", ExportResponses).WithName(nameof(ExportResponses))
            .WithSummary("The filtered responses as CSV").Produces<string>(StatusCodes.Status200OK, "text/csv").ProducesValidationProblem();

        app.MapGet("/api/surveys/partner-insights", GetPartnerInsights).WithName(nameof(GetPartnerInsights)).WithTags("Insights")
            .WithSummary("A partner's own aggregates: whole ISO weeks per survey (ended ones only, unless configured otherwise), groups under k suppressed, never free text")
            .RequireAuthorization(PartnerMeshPolicies.PartnerOrAdmin)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }

    private static async Task<Results<Ok<InsightsReport>, ValidationProblem>> GetInsights(
        InsightsService insights, CancellationToken cancellationToken, Guid? surveyId = null, DateOnly? from = null, DateOnly? to = null,
        Guid? partnerId = null, string? campaignId = null, string? segment = null, string? touchpoint = null, string? groupBy = null,
        string interval = Intervals.Day)
    {
        var errors = ValidateFilter(from, to, campaignId, segment, touchpoint);
        if (groupBy is not null && !Dimensions.Admin.Contains(groupBy))
        {
            errors.Add("groupBy", $"groupBy is one of {string.Join(", ", Dimensions.Admin)}.");
        }

        if (interval is not (Intervals.Day or Intervals.Week))
        {
            errors.Add("interval", "interval is day or week.");
        }

        if (errors.ToDictionary() is { } problems)
        {
            return TypedResults.ValidationProblem(problems);
        }

        var data = await insights.LoadAsync(new InsightsFilter(surveyId, from, to, partnerId, campaignId, segment, touchpoint), cancellationToken);
        return TypedResults.Ok(InsightsCalculator.Build(data.Responses, data.Showings, interval, groupBy) with { Complete = data.Complete });
    }

    /// <summary>Newest first, cursor-paged (<c>after</c>; <c>before</c> is its older name).</summary>
    private static async Task<Results<Ok<PageResponse<ResponseView>>, ValidationProblem>> SearchResponses(
        InsightsService insights, CancellationToken cancellationToken, Guid? surveyId = null, DateOnly? from = null, DateOnly? to = null,
        Guid? partnerId = null, string? campaignId = null, string? segment = null, string? touchpoint = null, string? q = null,
        int? limit = null, string? after = null, string? before = null)
    {
        var errors = ValidateFilter(from, to, campaignId, segment, touchpoint);
        var cursorName = after is null && before is not null ? "before" : "after";
        var pagingErrors = Paging.Validate(ResponsesList, limit, after ?? before, out var take, out var afterId, cursorName);
        foreach (var (field, messages) in pagingErrors ?? [])
        {
            errors.Add(field, messages[0]);
        }

        if (q is { Length: > 200 } || !StoredText.IsStorable(q))
        {
            errors.Add("q", "q has at most 200 characters.");
        }

        if (errors.ToDictionary() is { } problems)
        {
            return TypedResults.ValidationProblem(problems);
        }

        return TypedResults.Ok(await insights.SearchAsync(new InsightsFilter(surveyId, from, to, partnerId, campaignId, segment, touchpoint), q, take, afterId, cancellationToken));
    }

    private static Results<PushStreamHttpResult, ValidationProblem> ExportResponses(
        InsightsService insights, CancellationToken cancellationToken, Guid? surveyId = null, DateOnly? from = null, DateOnly? to = null,
        Guid? partnerId = null, string? campaignId = null, string? segment = null, string? touchpoint = null)
    {
        if (ValidateFilter(from, to, campaignId, segment, touchpoint).ToDictionary() is { } problems)
        {
            return TypedResults.ValidationProblem(problems);
        }

        var filter = new InsightsFilter(surveyId, from, to, partnerId, campaignId, segment, touchpoint);
        return TypedResults.Stream(output => insights.WriteCsvAsync(filter, output, cancellationToken), "text/csv; charset=utf-8", "survey-responses.csv");
    }

    /// <summary>The partner comes from the token; an admin (previewing) names one with <c>partnerId</c>.</summary>
    private static async Task<Results<Ok<PartnerInsightsReport>, ValidationProblem, ProblemHttpResult>> GetPartnerInsights(
        ClaimsPrincipal user, InsightsService insights, IOptions<SurveysOptions> options, TimeProvider timeProvider, CancellationToken cancellationToken,
        DateOnly? from = null, DateOnly? to = null, Guid? surveyId = null, string? by = null, Guid? partnerId = null)
    {
        var errors = new Errors();
        var partner = user.PartnerId() ?? (user.IsAdmin() ? partnerId : null);
        if (partner is null)
        {
            errors.Add("partnerId", "The caller acts for no partner (admins name one with partnerId).");
        }
        else if (partner == Guid.Empty)
        {
            errors.Add("partnerId", "partnerId is not the nil id.");
        }

        if (by is not null && by != PartnerInsights.ByTouchpoint)
        {
            errors.Add("by", "by is touchpoint (or absent).");
        }

        DateBounds.Check(errors, "from", from);
        DateBounds.Check(errors, "to", to);
        if (from is { } start && to is { } end && end < start)
        {
            // Checked as asked, before the range widens to whole weeks (where both days could fall in one week).
            errors.Add("to", $"from must not be after to, and the range at most {MaxWeeks} weeks.");
        }

        if (errors.Any)
        {
            // Out of bounds, the week arithmetic below could leave DateOnly's range.
            return TypedResults.ValidationProblem(errors.ToDictionary()!);
        }

        // Whole weeks of the reporting time zone only, whatever was asked: every cell is the same in every query, and the
        // same responses as analytics' week of the partner.
        var zone = options.Value.TimeZone();
        var now = timeProvider.GetUtcNow();
        var today = PartnerWeeks.Day(now, zone);
        var first = PartnerWeeks.Monday(from ?? today.AddDays(-7 * 12));
        var last = PartnerWeeks.Monday(to ?? today).AddDays(6);
        if (last < first || last.DayNumber - first.DayNumber + 1 > MaxWeeks * 7)
        {
            errors.Add("to", $"from must not be after to, and the range at most {MaxWeeks} weeks.");
        }

        if (errors.ToDictionary() is { } problems)
        {
            return TypedResults.ValidationProblem(problems);
        }

        // Ended weeks only (PartnerInsightsEndedWeeksOnly, the default): a published cell never changes afterwards, so
        // reading a filling week before and after one more response cannot reveal that response. The delay lets writes
        // stamped just before the week's end commit first. Turned off, everything up to today.
        var lastEnded = options.Value.PartnerInsightsEndedWeeksOnly
            ? PartnerWeeks.Of(now - PartnerPublicationDelay, zone).AddDays(-1)
            : today;
        var published = last < lastEnded ? last : lastEnded;
        if (published < first)
        {
            return TypedResults.Ok(new PartnerInsightsReport(partner!.Value, options.Value.PartnerMinimumGroupSize, Intervals.Week, first, last, by, [],
                new PartnerTotals(0, 0, null, null)) { PublishedThrough = lastEnded });
        }

        // Every survey of the partner, even when one is asked for: a week's suppression spans them all (analytics publishes the
        // partner's week over all of its surveys), so a survey's cell is the same alone as beside the others.
        var data = await insights.LoadPartnerAsync(partner!.Value, PartnerWeeks.StartUtc(first, zone), PartnerWeeks.StartUtc(published.AddDays(1), zone), cancellationToken);
        if (!data.Complete)
        {
            // A cell counted in part would differ between two ranges: refuse rather than open a door to differencing.
            return Problems.Refused(StatusCodes.Status422UnprocessableEntity, "range-too-large", "Too many responses in this range",
                $"More than {options.Value.InsightsMaxRows} responses or showings of the partner fall in this range: ask for fewer weeks.");
        }

        var report = PartnerInsights.Build(partner!.Value, data.Responses, data.Showings, options.Value.PartnerMinimumGroupSize, first, last, by, surveyId, zone);
        return TypedResults.Ok(report with
        {
            Surveys = await insights.SurveysAsync([.. report.Cells.Select(cell => cell.SurveyId).Distinct()], cancellationToken),
            PublishedThrough = lastEnded,
        });
    }

    private static Errors ValidateFilter(DateOnly? from, DateOnly? to, string? campaignId, string? segment, string? touchpoint)
    {
        var errors = new Errors();
        DateBounds.Check(errors, "from", from);
        DateBounds.Check(errors, "to", to);
        if (from is { } start && to is { } end && (end < start || end.DayNumber - start.DayNumber > MaxDays))
        {
            errors.Add("to", $"from must not be after to, and the range at most {MaxDays} days.");
        }

        if (campaignId is not null && !Targeting.IsTrimmedId(campaignId))
        {
            errors.Add("campaignId", $"campaignId has 1 to {Targeting.MaxIdLength} characters once trimmed.");
        }

        if (segment is not null && !SurveyRules.IsKey(segment))
        {
            errors.Add("segment", $"segment is {SurveyRules.KeyRule}.");
        }

        if (touchpoint is not null && !Touchpoints.All.Contains(DimensionValues.Normalize(touchpoint)!))
        {
            errors.Add("touchpoint", $"touchpoint is one of {string.Join(", ", Touchpoints.All)}.");
        }

        return errors;
    }
}
