using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>
/// Stands in for surveys-api's partner insights on 127.0.0.1 with a canned k-anonymous report, and records every request
/// (query, Authorization) so tests can check whom the portal asked for and with which token.
/// </summary>
public sealed class FakeSurveys : IAsyncDisposable
{
    public static readonly Guid ExitSurveyId = Guid.Parse("0b7c6a4e-9d1f-4c55-8f3c-2f2f6d0a1e01");
    public static readonly DateOnly ShownWeek = new(2026, 11, 23);
    public static readonly DateOnly SuppressedWeek = new(2026, 11, 30);

    private WebApplication? _app;

    public ConcurrentQueue<RecordedSurveysRequest> Requests { get; } = new();

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
        _app.MapGet("/api/surveys/partner-insights", Insights);
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

    /// <summary>
    /// The canned report: one exit-intent survey, a shown week (12 shown, 7 responses, NPS +14, CSAT 3.9, two reasons
    /// counted and one hidden) and a suppressed week (no figures at all), k = 5.
    /// </summary>
    public static object Canned(Guid partnerId, string surveyName = "Why are you leaving?") => new
    {
        partnerId,
        minimumGroupSize = 5,
        bucket = "week",
        from = ShownWeek,
        to = SuppressedWeek.AddDays(6),
        by = (string?)null,
        cells = new object[]
        {
            new
            {
                surveyId = ExitSurveyId, weekStart = ShownWeek, suppressed = false, shown = 12, responses = 7,
                nps = new { responses = 7, promoters = 3, passives = 2, detractors = 2, score = 14.285714, low = -47.6, high = 76.2 },
                csat = new { responses = 7, mean = 3.857142, meanLow = 3.1, meanHigh = 4.61, satisfied = new { successes = 5, total = 7, value = 0.714285, low = 0.358, high = 0.918 } },
                reasons = new object[]
                {
                    new { code = "extra-costs", count = 5, suppressed = false },
                    new { code = "delivery-too-slow", count = (int?)null, suppressed = true },
                    new { code = "better-price", count = 6, suppressed = false },
                },
                groups = Array.Empty<object>(),
            },
            new
            {
                surveyId = ExitSurveyId, weekStart = SuppressedWeek, suppressed = true, shown = (int?)null, responses = (int?)null,
                nps = (object?)null, csat = (object?)null, reasons = Array.Empty<object>(), groups = Array.Empty<object>(),
            },
        },
        totals = new
        {
            shown = 12, responses = 7,
            nps = new { responses = 7, promoters = 3, passives = 2, detractors = 2, score = 14.285714, low = -47.6, high = 76.2 },
            csat = new { responses = 7, mean = 3.857142, meanLow = 3.1, meanHigh = 4.61, satisfied = new { successes = 5, total = 7, value = 0.714285, low = 0.358, high = 0.918 } },
        },
        surveys = new[] { new { id = ExitSurveyId, name = surveyName, kind = "exit-intent" } },
    };

    private IResult Insights(HttpRequest request)
    {
        var partner = PartnerOf(request.Headers.Authorization.ToString());
        Requests.Enqueue(new RecordedSurveysRequest(partner, request.QueryString.Value ?? "", request.Headers.Authorization.ToString()));
        if (FailWith is { } status)
        {
            return Results.StatusCode((int)status);
        }

        var from = request.Query["from"].ToString();
        if (from.Length > 0 && !DateOnly.TryParseExact(from, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["from"] = ["The value is not valid."] });
        }

        return partner is { } id && Reports.TryGetValue(id, out var report) ? Results.Json(report) : Results.Json(Canned(partner ?? Guid.Empty));
    }

    /// <summary>The partner the token is for (read without validation: the tests validate tokens themselves).</summary>
    private static Guid? PartnerOf(string authorization)
    {
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return null;
        }

        var token = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(authorization["Bearer ".Length..]);
        return token.TryGetPayloadValue<string>(PartnerMesh.ServiceDefaults.Security.PartnerMeshClaims.PartnerId, out var value) && Guid.TryParse(value, out var id) ? id : null;
    }
}

public sealed record RecordedSurveysRequest(Guid? PartnerId, string Query, string Authorization);
