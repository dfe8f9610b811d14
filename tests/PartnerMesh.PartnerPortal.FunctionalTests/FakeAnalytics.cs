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
    public static readonly FakeKpis Canned = new(
        Clicks: 1244, Orders: 38, Revenue: 4421.49m, Commission: 442.15m, ConversionRate: 0.025m, AverageOrderValue: 116.35m);

    private WebApplication? _app;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>When set, every request is answered with this status instead of a report.</summary>
    public HttpStatusCode? FailWith { get; set; }

    public Uri BaseAddress { get; private set; } = null!;

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
                new { day = to.AddDays(-1), clicks = 10, orders = 1, revenue = 99.99m, commission = 10.00m, conversionRate = 0.1m },
                new { day = to, clicks = 1234, orders = 37, revenue = 4321.50m, commission = 432.15m, conversionRate = 0.03m },
            },
            totals = new
            {
                clicks = Canned.Clicks,
                orders = Canned.Orders,
                revenue = Canned.Revenue,
                commission = Canned.Commission,
                conversionRate = Canned.ConversionRate,
                averageOrderValue = Canned.AverageOrderValue,
            },
        });
    }
}

public sealed record RecordedRequest(Guid PartnerId, string Path, string Query, string Authorization);

public sealed record FakeKpis(long Clicks, long Orders, decimal Revenue, decimal Commission, decimal ConversionRate, decimal AverageOrderValue);
