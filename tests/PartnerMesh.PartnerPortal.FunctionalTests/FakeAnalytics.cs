using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>
/// Stands in for analytics-api on 127.0.0.1 with canned KPIs, scorecards, segments and campaigns, and records every
/// request (path, query, Authorization) so tests can check whom the portal asked for and with which token. Like analytics,
/// it answers a partner token only for that token's partner: another partner in the path is a 403, and segments and
/// campaigns are the token's partner's.
/// </summary>
public sealed class FakeAnalytics : IAsyncDisposable
{
    /// <summary>
    /// The canned totals: sales in two currencies, which added up would be EUR+USD 4,421.49 and 442.15; 38 of 1,249 clicks
    /// converted, with 45 orders between them.
    /// </summary>
    public static readonly FakeKpis Canned = new(
        Clicks: 1249,
        Orders: 38,
        ConvertedClicks: 38,
        OrdersFromClicks: 45,
        ConversionRate: 0.0304m,
        OrdersPerClick: 0.036m,
        Sales:
        [
            new FakeSales("EUR", Orders: 30, Revenue: 3521.49m, Commission: 352.15m, AverageOrderValue: 117.38m),
            new FakeSales("USD", Orders: 8, Revenue: 900.00m, Commission: 90.00m, AverageOrderValue: 112.50m),
        ]);

    private WebApplication? _app;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>When set, every request is answered with this status instead of a report.</summary>
    public HttpStatusCode? FailWith { get; set; }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Bodies to answer instead of the canned report, per partner.</summary>
    public ConcurrentDictionary<Guid, object> Reports { get; } = new();

    /// <summary>Scorecards to answer instead of <see cref="FakeScorecards.Canned"/>, per partner.</summary>
    public ConcurrentDictionary<Guid, object> Scorecards { get; } = new();

    /// <summary>Segment reports to answer instead of <see cref="FakeSegments.Canned"/>, per partner.</summary>
    public ConcurrentDictionary<Guid, object> Segments { get; } = new();

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapGet("/api/analytics/partners/{partnerId:guid}/daily", Daily);
        _app.MapGet("/api/analytics/partners/{partnerId:guid}/scorecard", Scorecard);
        _app.MapGet("/api/analytics/segments", SegmentReport);
        _app.MapGet("/api/analytics/kpis", KpiReport);
        _app.MapGet("/api/analytics/campaigns", Campaigns);
        _app.MapGet("/api/analytics/campaigns/{id:guid}", Campaign);
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Urls.Single());
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    /// <summary>The campaign every partner takes part in (any other id is not found).</summary>
    public static Guid CampaignOf(Guid partnerId) => new(partnerId.ToByteArray().Reverse().ToArray());

    private IResult Scorecard(Guid partnerId, HttpRequest request)
    {
        if (Refuse(Record(partnerId, request), partnerId) is { } refused)
        {
            return refused;
        }

        var errors = new Dictionary<string, string[]>();
        foreach (var name in new[] { "from", "to", "partnershipStart" })
        {
            if (request.Query.ContainsKey(name) && !IsDay(request.Query[name].ToString()))
            {
                errors[name] = ["Use a date formatted yyyy-MM-dd."];
            }
        }

        if (request.Query.ContainsKey("windowDays") && !(int.TryParse(request.Query["windowDays"], out var window) && window is >= 1 and <= 183))
        {
            errors["windowDays"] = ["Between 1 and 183."];
        }

        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors);
        }

        var to = IsDay(request.Query["to"].ToString()) ? DateOnly.ParseExact(request.Query["to"].ToString(), "yyyy-MM-dd", CultureInfo.InvariantCulture) : FakeScorecards.Today;
        var from = IsDay(request.Query["from"].ToString()) ? DateOnly.ParseExact(request.Query["from"].ToString(), "yyyy-MM-dd", CultureInfo.InvariantCulture) : to.AddDays(-29);
        return Results.Json(Scorecards.TryGetValue(partnerId, out var scorecard) ? scorecard : FakeScorecards.Canned(partnerId, from, to));
    }

    private IResult SegmentReport(HttpRequest request)
    {
        var partner = TokenPartner(request);
        Record(partner ?? Guid.Empty, request);
        if (FailWith is { } status)
        {
            return Results.StatusCode((int)status);
        }

        if (partner is not { } own || (request.Query.ContainsKey("partnerId") && request.Query["partnerId"] != own.ToString()))
        {
            return Results.Problem("A partner sees only its own customers' segments.", statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
        }

        return Results.Json(Segments.TryGetValue(own, out var report) ? report : FakeSegments.Canned(own));
    }

    /// <summary>Echoes what it was asked (JSON), or a CSV download with <c>format=csv</c>.</summary>
    private IResult KpiReport(HttpRequest request, HttpResponse response)
    {
        var partner = TokenPartner(request);
        Record(partner ?? Guid.Empty, request);
        if (FailWith is { } status)
        {
            return Results.StatusCode((int)status);
        }

        if (request.Query.ContainsKey("from") && !IsDay(request.Query["from"].ToString()))
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["from"] = ["Use a date formatted yyyy-MM-dd."] });
        }

        if (partner is not { } own || request.Query["value"] != own.ToString())
        {
            return Results.Problem("A partner sees only its own KPIs.", statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
        }

        if (request.Query["format"] == "csv")
        {
            response.Headers.ContentDisposition = "attachment; filename=\"kpis-partner-day.csv\"";
            return Results.Text($"period,dimension,value\n2026-12-01,partner,{own}\n", "text/csv; charset=utf-8");
        }

        return Results.Json(new
        {
            dimension = request.Query["dimensions"].ToString() is { Length: > 0 } pair ? pair : request.Query["dimension"].ToString(),
            value = own,
            value2 = request.Query["value2"].ToString(),
            rows = Array.Empty<object>(),
            totals = Array.Empty<object>(),
        });
    }

    private IResult Campaigns(HttpRequest request)
    {
        var partner = TokenPartner(request);
        Record(partner ?? Guid.Empty, request);
        if (FailWith is { } status)
        {
            return Results.StatusCode((int)status);
        }

        if (request.Query.ContainsKey("limit") && !(int.TryParse(request.Query["limit"], out var limit) && limit is >= 1 and <= 200))
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = ["Between 1 and 200."] });
        }

        return Results.Json(new { items = partner is { } own ? new[] { FakeCampaign(own) } : [], nextCursor = (string?)null });
    }

    private IResult Campaign(Guid id, HttpRequest request)
    {
        var partner = TokenPartner(request);
        Record(partner ?? Guid.Empty, request);
        if (FailWith is { } status)
        {
            return Results.StatusCode((int)status);
        }

        return partner is { } own && id == CampaignOf(own)
            ? Results.Json(FakeCampaign(own))
            : Results.Problem($"No campaign {id}.", statusCode: StatusCodes.Status404NotFound, title: "Campaign not found");
    }

    private static object FakeCampaign(Guid partnerId) => new
    {
        id = CampaignOf(partnerId),
        name = "Black Friday",
        code = "black-friday",
        startsOn = new DateOnly(2026, 11, 27),
        endsOn = new DateOnly(2026, 11, 30),
        partnerIds = new[] { partnerId },
        incentives = new[] { "10 % off" },
        targets = new Dictionary<string, decimal> { ["orders"] = 100 },
        status = "ended",
    };

    /// <summary>Records the request as made for <paramref name="partnerId"/> and returns the token's partner.</summary>
    private Guid? Record(Guid partnerId, HttpRequest request)
    {
        Requests.Enqueue(new RecordedRequest(partnerId, request.Path, request.QueryString.Value ?? "", request.Headers.Authorization.ToString()));
        return TokenPartner(request);
    }

    /// <summary>The failure asked for, or analytics' 403 when the token's partner is not the path's.</summary>
    private IResult? Refuse(Guid? tokenPartner, Guid partnerId) =>
        FailWith is { } status ? Results.StatusCode((int)status)
        : tokenPartner != partnerId ? Results.Problem("A partner may read only its own scorecard.", statusCode: StatusCodes.Status403Forbidden, title: "Forbidden")
        : null;

    private static bool IsDay(string value) => DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    private static Guid? TokenPartner(HttpRequest request) => PartnerToken.PartnerOf(request);

    private IResult Daily(Guid partnerId, HttpRequest request)
    {
        Requests.Enqueue(new RecordedRequest(partnerId, request.Path, request.QueryString.Value ?? "", request.Headers.Authorization.ToString()));
        if (FailWith is { } status)
        {
            return Results.StatusCode((int)status);
        }

        var from = request.Query["from"].ToString();
        if (from.Length > 0 && !DateOnly.TryParseExact(from, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["from"] = ["Use a date formatted yyyy-MM-dd."] });
        }

        if (Reports.TryGetValue(partnerId, out var report))
        {
            return Results.Json(report);
        }

        var to = DateOnly.TryParseExact(request.Query["to"].ToString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day
            : DateOnly.FromDateTime(DateTime.UtcNow);
        return Results.Json(new
        {
            partnerId,
            partnerName = "Name known to analytics",
            from = to.AddDays(-29),
            to,
            days = new object[]
            {
                FakeReports.Day(to.AddDays(-2), new FakeKpis(5, 0, 0, 0, 0m, 0m, [])),
                FakeReports.Day(to.AddDays(-1), new FakeKpis(10, 1, 1, 1, 0.1m, 0.1m, [new FakeSales("USD", 1, 99.99m, 10.00m, 99.99m)])),
                new
                {
                    day = to,
                    clicks = 1234,
                    orders = 37,
                    convertedClicks = 37,
                    ordersFromClicks = 44,
                    conversionRate = 0.03m,
                    ordersPerClick = 0.0357m,
                    sales = new[] { new FakeSales("EUR", 30, 3521.49m, 352.15m, 117.38m), new FakeSales("USD", 7, 800.01m, 80.00m, 114.29m) },
                },
            },
            totals = Canned,
        });
    }
}

/// <summary>Bodies for <see cref="FakeAnalytics.Reports"/>.</summary>
public static class FakeReports
{
    /// <summary>A report of one day whose numbers are the totals.</summary>
    public static object OneDay(Guid partnerId, DateOnly day, FakeKpis kpis) => new
    {
        partnerId,
        partnerName = "Name known to analytics",
        from = day.AddDays(-29),
        to = day,
        days = new[] { Day(day, kpis) },
        totals = kpis,
    };

    /// <summary>One entry of <c>days</c>, serialized as analytics-api does.</summary>
    public static object Day(DateOnly day, FakeKpis kpis) => new
    {
        day,
        clicks = kpis.Clicks,
        orders = kpis.Orders,
        convertedClicks = kpis.ConvertedClicks,
        ordersFromClicks = kpis.OrdersFromClicks,
        conversionRate = kpis.ConversionRate,
        ordersPerClick = kpis.OrdersPerClick,
        sales = kpis.Sales,
    };
}

public sealed record RecordedRequest(Guid PartnerId, string Path, string Query, string Authorization);

/// <summary>analytics-api's totals, serialized as it does (camelCase).</summary>
public sealed record FakeKpis(
    long Clicks,
    long Orders,
    long ConvertedClicks,
    long OrdersFromClicks,
    decimal? ConversionRate,
    decimal? OrdersPerClick,
    IReadOnlyList<FakeSales> Sales);

/// <summary>One currency's entry of <c>sales</c>, serialized as analytics-api does (gross revenue as placed: the net without refunds, unless given).</summary>
public sealed record FakeSales(string Currency, long Orders, decimal Revenue, decimal Commission, decimal AverageOrderValue)
{
    public decimal GrossRevenue { get; init; } = Revenue;
}
