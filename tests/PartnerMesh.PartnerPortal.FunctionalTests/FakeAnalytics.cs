using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>
/// Stands in for analytics-api on 127.0.0.1 with canned KPIs, and records every request (path, query, Authorization)
/// so tests can check whom the portal asked for and with which token.
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

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapGet("/api/analytics/partners/{partnerId:guid}/daily", Daily);
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

/// <summary>One currency's entry of <c>sales</c>, serialized as analytics-api does.</summary>
public sealed record FakeSales(string Currency, long Orders, decimal Revenue, decimal Commission, decimal AverageOrderValue);
