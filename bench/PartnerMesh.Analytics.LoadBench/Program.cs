using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

// Usage: analytics-ingest [--gateway URL] [--api-key ADMIN_KEY] [--seconds 10] [--batch 500] [--concurrency 8]
//                         [--rate EVENTS_PER_SECOND] [--partners 100] [--query-samples 200] [--analytics-db CONNECTION]
// With --analytics-db (or PARTNERMESH_ANALYTICS_DB) the run's partners first get a year of daily KPI rows, written
// straight into the analytics database, so the year query reads 365 real days × the partners, not one.
// Without --rate the workers send as fast as the system answers; with it, batches are offered on a fixed schedule.
var options = Args.Parse(args);
var gateway = new Uri(options.Get("gateway", Environment.GetEnvironmentVariable("PARTNERMESH_GATEWAY") ?? "http://127.0.0.1:8080"));
var adminKey = options.Get("api-key", Environment.GetEnvironmentVariable("PARTNERMESH_ADMIN_KEY") ?? "");
if (adminKey.Length == 0)
{
    Console.Error.WriteLine("An admin API key is needed: --api-key or PARTNERMESH_ADMIN_KEY.");
    return 2;
}

var seconds = int.Parse(options.Get("seconds", "10"), CultureInfo.InvariantCulture);
var batchSize = int.Parse(options.Get("batch", "500"), CultureInfo.InvariantCulture);
var concurrency = int.Parse(options.Get("concurrency", "8"), CultureInfo.InvariantCulture);
var partners = Enumerable.Range(0, int.Parse(options.Get("partners", "100"), CultureInfo.InvariantCulture)).Select(_ => Guid.NewGuid()).ToArray();
var querySamples = int.Parse(options.Get("query-samples", "200"), CultureInfo.InvariantCulture);
var rate = double.Parse(options.Get("rate", "0"), CultureInfo.InvariantCulture);
var analyticsDb = options.Get("analytics-db", Environment.GetEnvironmentVariable("PARTNERMESH_ANALYTICS_DB") ?? "");

using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency * 2 + 4, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
using var admin = Client(adminKey);
var keyResponse = await admin.PostAsJsonAsync("/api/gateway/keys", new { name = "analytics-bench", scope = "storefront", rateLimitPerMinute = 100_000 });
keyResponse.EnsureSuccessStatusCode();
using var storefront = Client((await keyResponse.Content.ReadFromJsonAsync<JsonObject>())!["apiKey"]!.GetValue<string>());
var adminBenchKey = await admin.PostAsJsonAsync("/api/gateway/keys", new { name = "analytics-bench-admin", scope = "admin", rateLimitPerMinute = 100_000 });
adminBenchKey.EnsureSuccessStatusCode();
using var reader = Client((await adminBenchKey.Content.ReadFromJsonAsync<JsonObject>())!["apiKey"]!.GetValue<string>());

var seededRows = analyticsDb.Length > 0 ? await YearOfDays.SeedAsync(analyticsDb, partners, DateOnly.FromDateTime(DateTime.UtcNow)) : 0;

var run = Guid.NewGuid().ToString("N")[..12];
var tag = $"bench-{run}";
var freshTag = $"bench-fresh-{run}";
var today = DateOnly.FromDateTime(DateTime.UtcNow);
long accepted = 0, duplicates = 0, rejected = 0, requests = 0, failedRequests = 0;
var latencies = new List<double>();
var stop = DateTime.UtcNow.AddSeconds(seconds);
var clock = Stopwatch.StartNew();

// With a rate, batch k is due at k × batch / rate seconds: a worker that is behind sends at once, one that is ahead waits.
long scheduled = -1;
var workers = Enumerable.Range(0, concurrency).Select(async worker =>
{
    JsonObject? previous = null;
    var n = 0;
    while (DateTime.UtcNow < stop)
    {
        if (rate > 0)
        {
            var due = TimeSpan.FromSeconds(Interlocked.Increment(ref scheduled) * batchSize / rate) - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due);
            }

            if (DateTime.UtcNow >= stop)
            {
                break;
            }
        }

        // Every tenth request resends the worker's previous batch: it must count nothing.
        var body = n++ % 10 == 9 && previous is not null ? previous : Batch(tag, batchSize, worker);
        previous = body;
        var started = Stopwatch.GetTimestamp();
        using var response = await storefront.PostAsJsonAsync("/api/analytics/events", body);
        Interlocked.Increment(ref requests);
        if (!response.IsSuccessStatusCode)
        {
            Interlocked.Increment(ref failedRequests);
            continue;
        }

        var report = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Interlocked.Add(ref accepted, report["accepted"]!.GetValue<long>());
        Interlocked.Add(ref duplicates, report["duplicates"]!.GetValue<long>());
        Interlocked.Add(ref rejected, report["rejected"]!.GetValue<long>());
        lock (latencies)
        {
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }
}).ToList();

// Freshness under the load: one order at a time, from its POST until the KPI shows it.
var freshness = new List<double>();
var probe = Task.Run(async () =>
{
    var url = $"/api/analytics/kpis?dimension=campaign&value={freshTag}&from={today.AddDays(-1):yyyy-MM-dd}&to={today.AddDays(1):yyyy-MM-dd}";
    for (var i = 1; DateTime.UtcNow < stop; i++)
    {
        var started = Stopwatch.GetTimestamp();
        var order = Event("order_completed", freshTag, 0);
        order["orderId"] = $"{freshTag}-{i}";
        order["amount"] = 10m;
        order["currency"] = "EUR";
        (await storefront.PostAsJsonAsync("/api/analytics/events", new JsonObject { ["events"] = new JsonArray(order) })).EnsureSuccessStatusCode();
        while (await Orders(url) < i)
        {
            if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromSeconds(30))
            {
                break;
            }

            await Task.Delay(20);
        }

        freshness.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }
});

await Task.WhenAll([.. workers, probe]);
var elapsed = clock.Elapsed.TotalSeconds;

// None lost, none double-counted: the page views counted for the run's campaign equal the accepted events.
var countUrl = $"/api/analytics/kpis?dimension=campaign&value={tag}&from={today.AddDays(-1):yyyy-MM-dd}&to={today.AddDays(1):yyyy-MM-dd}";
long counted = 0;
var drainStarted = Stopwatch.StartNew();
while (drainStarted.Elapsed < TimeSpan.FromSeconds(180))
{
    counted = await PageViews(countUrl);
    if (counted >= accepted)
    {
        break;
    }

    await Task.Delay(250);
}

var drain = drainStarted.Elapsed.TotalSeconds;

// KPI query: one partner's days over a year (the partners above had events today, the rest of the year is whatever the
// system holds), through the gateway.
var queryTimes = new List<double>();
for (var i = -10; i < querySamples; i++) // the first ten warm the path up and are not counted
{
    var partner = partners[(i + 10) % partners.Length];
    var started = Stopwatch.GetTimestamp();
    using var response = await reader.GetAsync($"/api/analytics/kpis?dimension=partner&value={partner}&from={today.AddDays(-364):yyyy-MM-dd}&to={today:yyyy-MM-dd}");
    response.EnsureSuccessStatusCode();
    if (i >= 0)
    {
        queryTimes.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }
}

Console.WriteLine($"| figure | value |");
Console.WriteLine($"|---|---|");
Console.WriteLine($"| offered | {concurrency} workers × batches of {batchSize} for {seconds} s, {(rate > 0 ? $"{rate:0} events/s" : "as fast as answered")} |");
Console.WriteLine($"| requests (failed) | {requests} ({failedRequests}) |");
Console.WriteLine($"| events accepted / duplicates / rejected | {accepted} / {duplicates} / {rejected} |");
Console.WriteLine($"| ingestion rate (accepted events/s) | {accepted / elapsed:0} |");
Console.WriteLine($"| batch latency p50 / p99 (ms) | {P(latencies, 50):0} / {P(latencies, 99):0} |");
Console.WriteLine($"| counted in the KPI / accepted | {counted} / {accepted} ({(counted == accepted ? "none lost, none double-counted" : counted < accepted ? $"{accepted - counted} missing" : $"{counted - accepted} too many")}) |");
Console.WriteLine($"| aggregation caught up after the load | {drain:0.0} s |");
Console.WriteLine($"| freshness event → KPI p50 / p95 (ms), {freshness.Count} probes | {P(freshness, 50):0} / {P(freshness, 95):0} |");
Console.WriteLine($"| KPI query, one partner × 365 days, p50 / p99 (ms), {querySamples} samples | {P(queryTimes, 50):0.0} / {P(queryTimes, 99):0.0} |");
Console.WriteLine($"| data under the year query | {(seededRows > 0 ? $"{seededRows} daily rows seeded: 365 days × {partners.Length} partners, 2 currency rows each" : "whatever the system holds (no --analytics-db: sparse)")} |");
return counted == accepted ? 0 : 1;

HttpClient Client(string key)
{
    var client = new HttpClient(handler, disposeHandler: false) { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(60) };
    client.DefaultRequestHeaders.Add("X-Api-Key", key);
    return client;
}

JsonObject Batch(string campaign, int size, int worker)
{
    var events = new JsonArray();
    for (var i = 0; i < size; i++)
    {
        events.Add(Event("page_view", campaign, worker));
    }

    return new JsonObject { ["events"] = events };
}

JsonObject Event(string type, string campaign, int worker) => new()
{
    ["eventId"] = Guid.NewGuid().ToString("N"),
    ["type"] = type,
    ["occurredAt"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
    ["visitorId"] = $"v-{worker}-{Random.Shared.Next(10_000)}",
    ["sessionId"] = $"s-{worker}-{Random.Shared.Next(10_000)}",
    ["partnerId"] = partners[Random.Shared.Next(partners.Length)].ToString(),
    ["utmCampaign"] = campaign,
};

async Task<long> Orders(string url) => await Total(url, "orders");

async Task<long> PageViews(string url) => await Total(url, "pageViews");

async Task<long> Total(string url, string field)
{
    var report = await reader.GetFromJsonAsync<JsonObject>(url);
    return report!["totals"]!.AsArray().FirstOrDefault()?["kpis"]?[field]?.GetValue<long>() ?? 0;
}

static double P(List<double> values, int percentile)
{
    if (values.Count == 0)
    {
        return double.NaN;
    }

    var sorted = values.Order().ToList();
    return sorted[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
}

internal sealed class Args(Dictionary<string, string> values)
{
    public static Args Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        return new Args(values);
    }

    public string Get(string name, string fallback) => values.TryGetValue(name, out var value) ? value : fallback;
}
