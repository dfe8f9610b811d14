using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

// Usage: PartnerMesh.Surveys.LoadBench --api-key KEY [--gateway URL] [--rates 500,1000,2000] [--seconds 10] [--responses 2000]
// 1. Creates a post-purchase survey for a fresh partner (it stays: run against a development system).
// 2. Decisions at each offered rate (open loop: latency from the scheduled start), half fresh visitors (a "show": the
//    frequency read, the shared contact claim, one impression written) and half returning ones (a "frequency" answer).
// 3. Ingestion: one response per showing at the highest rate, then every one replayed with its Idempotency-Key; the
//    stored count (admin insights) must equal the distinct responses: none lost, none duplicated.
var options = Options.Parse(args);
if (options.ApiKey is null)
{
    Console.Error.WriteLine("An admin API key is required: --api-key or PARTNERMESH_ADMIN_KEY.");
    return 2;
}

using var http = Client(options.Gateway, options.ApiKey!);

// A key allows at most 100,000 requests a minute (the gateway's cap): the load goes over enough storefront keys.
var keyCount = (int)Math.Ceiling(options.Rates.Max() * 60 / 90_000.0);
var storefronts = new List<HttpClient>();
for (var index = 0; index < keyCount; index++)
{
    var key = await http.PostAsJsonAsync("/api/gateway/keys", new JsonObject
    {
        ["name"] = $"surveys-bench-{Guid.NewGuid():N}", ["scope"] = "storefront", ["rateLimitPerMinute"] = 100_000,
    });
    if (key.StatusCode != HttpStatusCode.Created)
    {
        Console.Error.WriteLine($"Creating a storefront key failed: {(int)key.StatusCode} {await key.Content.ReadAsStringAsync()}");
        return 1;
    }

    storefronts.Add(Client(options.Gateway, (await key.Content.ReadFromJsonAsync<JsonObject>())!["apiKey"]!.GetValue<string>()));
}

HttpClient Storefront(int index) => storefronts[index % storefronts.Count];

var partner = Guid.NewGuid();
var created = await http.PostAsJsonAsync("/api/surveys/surveys", new JsonObject
{
    ["name"] = $"bench {DateTime.UtcNow:O}",
    ["kind"] = "nps",
    ["trigger"] = "post-purchase",
    ["touchpoints"] = new JsonArray("order"),
    ["partnerIds"] = new JsonArray(partner),
    ["questions"] = new JsonArray(new JsonObject { ["id"] = "nps", ["type"] = "nps", ["text"] = "Recommend us?", ["required"] = true }),
});
if (created.StatusCode != HttpStatusCode.Created)
{
    Console.Error.WriteLine($"Creating the survey failed: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
    return 1;
}

var surveyId = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
await Task.Delay(TimeSpan.FromSeconds(1)); // the other instances' catalogs (a Redis notification, at worst a poll)
var shown = new ConcurrentBag<(string Visitor, Guid Impression)>();
var returning = new ConcurrentQueue<string>();

Console.WriteLine($"Surveys load bench — {options.Gateway}, {Environment.ProcessorCount} cores here, {DateTime.UtcNow:u}");
Console.WriteLine();
Console.WriteLine("| phase | offered/s | sent | achieved/s | ok | errors | p50 ms | p90 ms | p99 ms | max ms |");
Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
foreach (var rate in options.Rates)
{
    var result = await OpenLoop.RunAsync(rate, options.Seconds, async index =>
    {
        string? visitor = null;
        if (index % 2 == 0 || !returning.TryDequeue(out visitor))
        {
            visitor = $"bench-{Guid.NewGuid():N}";
        }

        using var response = await Storefront(index).PostAsJsonAsync("/api/surveys/decisions", new JsonObject
        {
            ["visitorId"] = visitor, ["touchpoint"] = "order", ["trigger"] = "post-purchase", ["partnerId"] = partner,
        });
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return false;
        }

        var decision = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        if (decision["show"]!.GetValue<bool>())
        {
            shown.Add((visitor, decision["impressionId"]!.GetValue<Guid>()));
            returning.Enqueue(visitor);
        }

        return true;
    });
    Console.WriteLine(result.Row("decision", rate));
}

var showings = shown.Take(options.Responses).ToArray();
var statuses = new ConcurrentDictionary<HttpStatusCode, int>();
var ingest = await OpenLoop.RunAsync(options.Rates.Max(), Math.Max(1, (int)Math.Ceiling(showings.Length / (double)options.Rates.Max())), async index =>
{
    if (index >= showings.Length)
    {
        return true;
    }

    var (visitor, impression) = showings[index];
    using var request = new HttpRequestMessage(HttpMethod.Post, "/api/surveys/responses")
    {
        Content = JsonContent.Create(new JsonObject
        {
            ["impressionId"] = impression, ["visitorId"] = visitor,
            ["answers"] = new JsonArray(new JsonObject { ["questionId"] = "nps", ["score"] = index % 11 }),
        }),
    };
    request.Headers.Add("Idempotency-Key", impression.ToString());
    using var response = await Storefront(index).SendAsync(request);
    statuses.AddOrUpdate(response.StatusCode, 1, (_, count) => count + 1);
    return response.StatusCode == HttpStatusCode.Created;
});
Console.WriteLine(ingest.Row("responses", options.Rates.Max()));

var replays = await OpenLoop.RunAsync(options.Rates.Max(), Math.Max(1, (int)Math.Ceiling(showings.Length / (double)options.Rates.Max())), async index =>
{
    if (index >= showings.Length)
    {
        return true;
    }

    var (visitor, impression) = showings[index];
    using var request = new HttpRequestMessage(HttpMethod.Post, "/api/surveys/responses")
    {
        Content = JsonContent.Create(new JsonObject
        {
            ["impressionId"] = impression, ["visitorId"] = visitor,
            ["answers"] = new JsonArray(new JsonObject { ["questionId"] = "nps", ["score"] = index % 11 }),
        }),
    };
    request.Headers.Add("Idempotency-Key", impression.ToString());
    using var response = await Storefront(index).SendAsync(request);
    return response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created;
});
Console.WriteLine(replays.Row("replays", options.Rates.Max()));

var insights = await Storefront(0).GetAsync($"/api/surveys/insights?surveyId={surveyId}") is { StatusCode: HttpStatusCode.Forbidden }
    ? await ReadInsightsAsync(http, surveyId)
    : null;

var stored = insights!["summary"]!["responses"]!.GetValue<int>();
var accepted = statuses.GetValueOrDefault(HttpStatusCode.Created);
Console.WriteLine();
Console.WriteLine($"Showings: {shown.Count}; responses sent: {showings.Length}, 201: {accepted}, other: " +
    string.Join(", ", statuses.Where(pair => pair.Key != HttpStatusCode.Created).Select(pair => $"{(int)pair.Key}×{pair.Value}")) +
    $"; stored (admin insights): {stored}; lost: {accepted - Math.Min(stored, accepted)}; duplicated: {Math.Max(0, stored - accepted)}");
return stored == accepted && ingest.Errors == 0 ? 0 : 3;

// The admin key is rate limited like any other: wait as the gateway's Retry-After says.
static async Task<JsonObject> ReadInsightsAsync(HttpClient admin, Guid surveyId)
{
    while (true)
    {
        using var response = await admin.GetAsync($"/api/surveys/insights?surveyId={surveyId}");
        if (response.StatusCode != HttpStatusCode.TooManyRequests)
        {
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        }

        await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(5));
    }
}

static HttpClient Client(string gateway, string apiKey)
{
    var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        BaseAddress = new Uri(gateway),
        Timeout = TimeSpan.FromSeconds(30),
    };
    client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
    return client;
}

internal sealed record Options(string Gateway, string? ApiKey, int[] Rates, int Seconds, int Responses)
{
    public static Options Parse(string[] args)
    {
        string Value(string name, string fallback) => Array.IndexOf(args, name) is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
        return new Options(
            Value("--gateway", Environment.GetEnvironmentVariable("PARTNERMESH_GATEWAY") ?? "http://127.0.0.1:8080"),
            Value("--api-key", Environment.GetEnvironmentVariable("PARTNERMESH_ADMIN_KEY") ?? "") is { Length: > 0 } key ? key : null,
            [.. Value("--rates", "500,1000,2000").Split(',').Select(rate => int.Parse(rate, CultureInfo.InvariantCulture))],
            int.Parse(Value("--seconds", "10"), CultureInfo.InvariantCulture),
            int.Parse(Value("--responses", "2000"), CultureInfo.InvariantCulture));
    }
}

internal sealed record LoadResult(int Sent, int Ok, int Errors, double Seconds, double[] LatenciesMs)
{
    public string Row(string phase, int rate)
    {
        var sorted = LatenciesMs.Order().ToArray();
        double At(double quantile) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1)];
        return string.Create(CultureInfo.InvariantCulture,
            $"| {phase} | {rate} | {Sent} | {Sent / Seconds:F0} | {Ok} | {Errors} | {At(0.5):F1} | {At(0.9):F1} | {At(0.99):F1} | {(sorted.Length == 0 ? 0 : sorted[^1]):F1} |");
    }
}

internal static class OpenLoop
{
    /// <summary>Starts call i at i/rate seconds whatever the earlier calls do; latency counts from that scheduled start.</summary>
    public static async Task<LoadResult> RunAsync(int rate, int seconds, Func<int, Task<bool>> call)
    {
        var total = rate * seconds;
        var latencies = new double[total];
        var ok = 0;
        var errors = 0;
        var clock = Stopwatch.StartNew();
        var calls = new List<Task>(total);
        for (var index = 0; index < total; index++)
        {
            var scheduled = TimeSpan.FromSeconds(index / (double)rate);
            if (scheduled > clock.Elapsed)
            {
                await Task.Delay(scheduled - clock.Elapsed);
            }

            var at = index;
            calls.Add(Task.Run(async () =>
            {
                bool success;
                try
                {
                    success = await call(at);
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                {
                    success = false;
                }

                latencies[at] = (clock.Elapsed - scheduled).TotalMilliseconds;
                Interlocked.Increment(ref success ? ref ok : ref errors);
            }));
        }

        await Task.WhenAll(calls);
        return new LoadResult(total, ok, errors, Math.Max(clock.Elapsed.TotalSeconds, seconds), latencies);
    }
}
