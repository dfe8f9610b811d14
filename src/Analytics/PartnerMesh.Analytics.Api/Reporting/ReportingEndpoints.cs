using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerMesh.Analytics.Api.Aggregation;
using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.Analytics.Api.Kpis;
using PartnerMesh.Analytics.Api.Segments;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.Analytics.Api.Reporting;

public static class ReportingEndpoints
{
    public const int MaxDays = 366;
    public const int MaxHourDays = 31;

    /// <summary>The dimensions whose values ingestion lower-cases (<c>utm_campaign</c>, <c>utm_source</c>, touchpoint).</summary>
    private static readonly HashSet<string> LowerCased = new(StringComparer.Ordinal) { Dimensions.Campaign, Dimensions.TrafficSource, Dimensions.Touchpoint };

    public static RouteGroupBuilder MapReportingEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/analytics").WithTags("Analytics KPIs");
        group.MapGet("/kpis", GetKpisAsync).WithName("GetKpis")
            .RequireAuthorization(PartnerMeshPolicies.PartnerOrAdmin)
            .Produces<KpiReport>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/admin/replay", ReplayAsync).WithName("ReplayAnalyticsLog")
            .RequireAuthorization(PartnerMeshPolicies.Admin)
            .Produces<ReplayStatus>(StatusCodes.Status202Accepted);
        group.MapGet("/admin/status", StatusAsync).WithName("GetAggregationStatus")
            .RequireAuthorization(PartnerMeshPolicies.Admin)
            .Produces<AggregationStatus>();
        return group;
    }

    /// <summary>
    /// KPIs per period (<c>granularity</c> day or hour, cut in the reporting time zone) for one dimension: <c>all</c>
    /// (merchant-wide), <c>partner</c>, <c>campaign</c>, <c>segment</c>, <c>touchpoint</c> or <c>traffic_source</c>,
    /// optionally one <c>value</c> of it; or for two (<c>dimensions=a,b</c>, any two of partner, campaign, touchpoint
    /// and traffic_source, in either order; the report names them in canonical order), with <c>value</c> filtering the
    /// first named and <c>value2</c> the second; <c>format=csv</c> (or <c>Accept: text/csv</c>) for CSV. A partner sees
    /// only its own partner rows, and pairs whose one side is <c>partner</c> (its own id), with survey figures only in
    /// published weekly cells, never per day or hour (<see cref="PartnerSurveyCells"/>), and revenue shares only of ended
    /// days with k orders not their own (<see cref="PartnerRevenueShares"/>). An admin filtering the partner
    /// side to a partner analytics never heard of gets 404 (<see cref="KnownPartners"/>).
    /// </summary>
    private static async Task<IResult> GetKpisAsync(
        string? from,
        string? to,
        string? granularity,
        string? dimension,
        string? dimensions,
        string? value,
        string? value2,
        string? partnerId,
        string? format,
        HttpContext http,
        ClaimsPrincipal user,
        KpiReader reader,
        PartnerSurveyCells surveyCells,
        PartnerRevenueShares revenueShares,
        AnalyticsDbContext db,
        IOptions<AnalyticsOptions> options,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        granularity = granularity switch
        {
            null => Granularities.Day,
            "daily" => Granularities.Day,
            "hourly" => Granularities.Hour,
            _ => granularity,
        };
        (string First, string Second)? pair = null;
        var swapValues = false;
        if (dimensions is not null)
        {
            var names = dimensions.Split(',', StringSplitOptions.TrimEntries);
            if (dimension is not null)
            {
                errors["dimensions"] = ["Use either 'dimension' or 'dimensions', not both."];
            }
            else if (names.Length == 1)
            {
                dimension = names[0];
            }
            else if (PairError(names) is { } error)
            {
                errors["dimensions"] = [error];
            }
            else
            {
                pair = Dimensions.Pair(names[0], names[1]);
                dimension = Dimensions.PairName(pair!.Value.First, pair.Value.Second);
                swapValues = pair.Value.First != names[0];
            }
        }

        if (!Granularities.All.Contains(granularity))
        {
            errors["granularity"] = ["Use 'day' or 'hour'."];
        }

        var isAdmin = user.IsAdmin();
        dimension ??= isAdmin ? Dimensions.All : Dimensions.Partner;
        if (pair is null && !errors.ContainsKey("dimensions") && !Dimensions.Known.Contains(dimension))
        {
            errors["dimension"] = [$"Unknown dimension '{Short(dimension)}'; use one of: {string.Join(", ", Dimensions.Known.Order(StringComparer.Ordinal))}."];
        }

        Guid? partnerFilter = null;
        if (partnerId is not null)
        {
            if (Guid.TryParse(partnerId, out var parsed))
            {
                partnerFilter = parsed;
            }
            else
            {
                errors["partnerId"] = ["Use a partner id (a GUID)."];
            }
        }

        if (format is not null && format is not ("json" or "csv"))
        {
            errors["format"] = ["Use 'json' or 'csv'."];
        }

        if (value is { Length: > 500 })
        {
            errors["value"] = ["A dimension value has at most 500 characters."];
        }
        else if (dimension == Dimensions.Segment && value is not null)
        {
            // Segments are a fixed list: a value outside it is a mistake, not a segment without data. Folded like the
            // other dimension values (" First_Time_Buyers " is first_time_buyers).
            value = DimensionValues.Normalize(value)!;
            if (!SegmentNames.All.Contains(value, StringComparer.Ordinal))
            {
                errors["value"] = [$"Unknown segment '{Short(value)}'; use one of: {string.Join(", ", SegmentNames.All)}."];
            }
        }

        if (value2 is { Length: > 500 })
        {
            errors["value2"] = ["A dimension value has at most 500 characters."];
        }
        else if (value2 is not null && pair is null && !errors.ContainsKey("dimensions"))
        {
            errors["value2"] = ["'value2' filters the second of two 'dimensions' (e.g. dimensions=partner,campaign)."];
        }

        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(timeProvider.GetUtcNow(), options.Value.TimeZone()).DateTime);
        var maxDays = granularity == Granularities.Hour ? MaxHourDays : MaxDays;
        DateOnly fromDay = default, toDay = today;
        if (to is not null && KpiDateRange.Parse(to, out toDay) is { } toError)
        {
            errors["to"] = [toError];
        }

        if (from is not null && KpiDateRange.Parse(from, out fromDay) is { } fromError)
        {
            errors["from"] = [fromError];
        }
        else if (from is null && !errors.ContainsKey("to"))
        {
            fromDay = toDay.AddDays(granularity == Granularities.Hour ? 0 : -29);
        }

        if (!errors.ContainsKey("from") && !errors.ContainsKey("to"))
        {
            if (fromDay > toDay)
            {
                errors["from"] = ["'from' must not be after 'to'."];
            }
            else if (toDay.DayNumber - fromDay.DayNumber + 1 > maxDays)
            {
                errors["to"] = [$"A {granularity} report covers at most {maxDays} days."];
            }
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (swapValues)
        {
            // 'value' filters the first dimension named, 'value2' the second: put them in the pair's order.
            (value, value2) = (value2, value);
        }

        // In a pair the partner, when one side, is always the first (canonical order), filtered by 'value'.
        var partnerSide = dimension == Dimensions.Partner || pair?.First == Dimensions.Partner;
        if (partnerSide && partnerFilter is not null)
        {
            if (value is not null && value != partnerFilter.ToString())
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["value"] = ["'value' and 'partnerId' name different partners."] });
            }

            value = partnerFilter.ToString();
        }
        else if (partnerFilter is not null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["partnerId"] = ["'partnerId' filters the 'partner' dimension (alone or in a pair); this report has none."],
            });
        }

        Guid? own = null;
        if (!isAdmin)
        {
            // A partner's own numbers only: the partner dimension, its own id from the token.
            own = user.PartnerId();
            if (own is null || !partnerSide || (value is not null && !string.Equals(value, own.ToString(), StringComparison.OrdinalIgnoreCase)))
            {
                return TypedResults.Problem(
                    "A partner sees only its own KPIs (dimension 'partner', or a pair with 'partner', its own id); cross-partner views are for admins.",
                    statusCode: StatusCodes.Status403Forbidden,
                    title: "Forbidden");
            }

            value = own.ToString();
        }
        else if (partnerSide && value is not null)
        {
            // One partner's numbers: a partner analytics never heard of is 404, a known one without data zeros.
            if (!Guid.TryParse(value, out var asGuid) || !await db.KnowsPartnerAsync(asGuid, cancellationToken))
            {
                return KnownPartners.NotFound(Short(value));
            }

            value = asGuid.ToString();
        }

        // Campaign, traffic source and touchpoint values are trimmed and lower-cased when events are taken in: match them so.
        var (first, second) = pair ?? (dimension, "");
        value = LowerCased.Contains(first) ? DimensionValues.Normalize(value) : value;
        value2 = LowerCased.Contains(second) ? DimensionValues.Normalize(value2) : value2;

        var report = await reader.ReportAsync(granularity, dimension, value, value2, fromDay, toDay, cancellationToken);
        if (own is { } partner)
        {
            report = await surveyCells.ApplyAsync(report, partner, value2, cancellationToken);
            report = await revenueShares.ApplyAsync(report, partner, value2, cancellationToken);
        }

        var wantsCsv = format == "csv" || (format is null && http.Request.Headers.Accept.Any(accept => accept?.Contains("text/csv", StringComparison.OrdinalIgnoreCase) == true));
        if (wantsCsv)
        {
            var fileName = $"kpis-{dimension.Replace(',', '-')}-{granularity}-{fromDay:yyyyMMdd}-{toDay:yyyyMMdd}.csv";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
            return TypedResults.Text(KpiCsv.Write(report), "text/csv; charset=utf-8");
        }

        return TypedResults.Ok(report);
    }

    /// <summary>
    /// Queues a rebuild of every KPI from the log and answers at once: the aggregation worker clears the aggregates and
    /// facts and marks the log pending under the aggregation lock, then re-applies the history in its original order
    /// (published events are not sent again). A request while another waits joins it.
    /// </summary>
    private static async Task<Accepted<ReplayStatus>> ReplayAsync(
        ClaimsPrincipal user, AnalyticsDbContext db, AggregationSignal signal, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO replay_requests (id, requested_at, requested_by)
            VALUES ({Guid.NewGuid()}, {timeProvider.GetUtcNow()}, {Actor.Of(user)})
            ON CONFLICT DO NOTHING
            """,
            cancellationToken);
        signal.Notify();
        // Ours, or the one still waiting that ours joined (or, if that one started meanwhile, a still later one).
        var request = await db.ReplayRequests.AsNoTracking().OrderByDescending(r => r.RequestedAt).FirstAsync(cancellationToken);
        return TypedResults.Accepted("/api/analytics/admin/status", await ReplayStatus.OfAsync(request, db, cancellationToken));
    }

    private static async Task<Ok<AggregationStatus>> StatusAsync(AnalyticsDbContext db, CancellationToken cancellationToken)
    {
        var pending = await db.RawEvents.CountAsync(raw => raw.AggregatedAt == null, cancellationToken);
        var total = await db.RawEvents.LongCountAsync(cancellationToken);
        var latest = await db.ReplayRequests.AsNoTracking().OrderByDescending(r => r.RequestedAt).FirstOrDefaultAsync(cancellationToken);
        var replay = latest is null ? null : await ReplayStatus.OfAsync(latest, db, cancellationToken);
        return TypedResults.Ok(new AggregationStatus(total, pending, replay));
    }

    private static string? PairError(string[] names)
    {
        if (names.Length > 2)
        {
            return "At most two dimensions per report.";
        }

        if (names.FirstOrDefault(name => !Dimensions.Known.Contains(name)) is { } unknown)
        {
            return $"Unknown dimension '{Short(unknown)}'; use one of: {string.Join(", ", Dimensions.Known.Order(StringComparer.Ordinal))}.";
        }

        if (names[0] == names[1])
        {
            return $"'{names[0]}' is named twice; name two different dimensions.";
        }

        return Dimensions.Pair(names[0], names[1]) is null
            ? $"'{names[0]}' and '{names[1]}' are not kept together; pairs are any two of: {string.Join(", ", Dimensions.Pairable)}."
            : null;
    }

    private static string Short(string text) => text.Length <= 40 ? text : text[..40] + "…";
}

/// <param name="State"><c>queued</c>, <c>running</c> (events up to the replay's start still to re-apply) or <c>completed</c>.</param>
public sealed record ReplayStatus(
    Guid Id,
    string State,
    DateTimeOffset RequestedAt,
    string RequestedBy,
    DateTimeOffset? StartedAt,
    long? EventsToReapply,
    long? EventsRemaining)
{
    public static async Task<ReplayStatus> OfAsync(ReplayRequest request, AnalyticsDbContext db, CancellationToken cancellationToken)
    {
        long? remaining = request.UpToSequence is { } upTo
            ? await db.RawEvents.LongCountAsync(raw => raw.AggregatedAt == null && raw.Sequence <= upTo, cancellationToken)
            : null;
        var state = remaining switch
        {
            null => "queued",
            > 0 => "running",
            _ => "completed",
        };
        return new ReplayStatus(
            request.Id, state, request.RequestedAt, request.RequestedBy, request.StartedAt, request.EventsToReapply, remaining);
    }
}

/// <param name="LatestReplay">The latest replay request, if any.</param>
public sealed record AggregationStatus(long LoggedEvents, long PendingEvents, ReplayStatus? LatestReplay);
