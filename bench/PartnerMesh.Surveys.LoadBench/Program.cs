using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using PartnerMesh.Bench;
using static PartnerMesh.Bench.LoadGenerator;

// Usage: PartnerMesh.Surveys.LoadBench --api-key KEY [--gateway URL] [--rates 500,1000,2000] [--seconds 10]
//        [--response-rate 1000] [--settle 20]
// 1. Creates a post-purchase survey for a fresh partner (it stays: run against a development system).
// 2. Decisions at each offered rate (open loop: latency from the scheduled start), half fresh visitors (a "show": the
//    frequency read, the shared contact claim, one impression written) and half returning ones (a "frequency" answer).
// 3. Ingestion, sustained: one response per showing at --response-rate for --seconds (more showings are made first when
//    the decisions did not make enough), then every one replayed with its Idempotency-Key. Before each ingestion phase
//    the bench waits --settle seconds, so the events of the phase before (SurveyShown, SurveyResponseSubmitted) are
//    consumed and not measured as part of the next. The stored count (admin insights) must equal the accepted
//    responses: none lost, none duplicated.
var options = SurveyBenchOptions.Parse(args);
if (options.AdminKey is null)
{
    Console.Error.WriteLine("An admin API key is required: --api-key or PARTNERMESH_ADMIN_KEY.");
    return 2;
}

using var operatorClient = GatewayClient(options.Gateway, options.AdminKey);
using var admin = GatewayClient(options.Gateway, await CreateKeyAsync(operatorClient, "admin"));
var storefronts = await StorefrontClientsAsync(options.Gateway, admin, Math.Max(options.Rates.Max(), options.ResponseRate));

var partner = Guid.NewGuid();
var created = await PostAsync(admin, "/api/surveys/surveys", new JsonObject
{
    ["name"] = $"bench {DateTime.UtcNow:O}",
    ["kind"] = "nps",
    ["trigger"] = "post-purchase",
    ["touchpoints"] = new JsonArray("order"),
    ["partnerIds"] = new JsonArray(partner),
    ["questions"] = new JsonArray(new JsonObject { ["id"] = "nps", ["type"] = "nps", ["text"] = "Recommend us?", ["required"] = true }),
});
var surveyId = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
await Task.Delay(TimeSpan.FromSeconds(1)); // the other instances' catalogs (a Redis notification, at worst a poll)

var shown = new ConcurrentQueue<(string Visitor, Guid Impression)>();
var returning = new ConcurrentQueue<string>();
async Task<bool> DecideAsync(HttpClient http, string visitor)
{
    var body = $$"""{"visitorId":"{{visitor}}","touchpoint":"order","trigger":"post-purchase","partnerId":"{{partner}}"}""";
    using var content = new StringContent(body, Encoding.UTF8, "application/json");
    using var response = await http.PostAsync("/api/surveys/decisions", content);
    if (response.StatusCode != HttpStatusCode.OK)
    {
        return false;
    }

    var decision = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    // Only showings of the bench's own survey are answered: a development system may hold other surveys that show too.
    if (decision["show"]!.GetValue<bool>() && decision["survey"]?["id"]?.GetValue<Guid>() == surveyId)
    {
        shown.Enqueue((visitor, decision["impressionId"]!.GetValue<Guid>()));
        returning.Enqueue(visitor);
    }

    return true;
}

var output = new StringBuilder();
output.AppendLine(CultureInfo.InvariantCulture,
    $"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; {options.Seconds} s per load; through the gateway {options.Gateway}.");
output.AppendLine();
output.AppendLine("| phase | offered /s | achieved /s | p50 ms | p90 ms | p99 ms | max ms | errors |");
output.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
void Row(string phase, int rate, LoadResult result) => output.AppendLine(CultureInfo.InvariantCulture,
    $"| {phase} | {rate:N0} | {result.Achieved:N0} | {result.P(50):F1} | {result.P(90):F1} | {result.P(99):F1} | {result.Max:F1} | {result.Errors} |");

foreach (var rate in options.Rates)
{
    var result = await RunAsync(storefronts, rate, TimeSpan.FromSeconds(options.Seconds), (http, index) =>
        DecideAsync(http, index % 2 == 0 || !returning.TryDequeue(out var visitor) ? $"bench-{Guid.NewGuid():N}" : visitor));
    Row("decision", rate, result);
    Console.Error.WriteLine($"decisions {rate}/s: p99 {result.P(99):F1} ms, {result.Errors} errors, {shown.Count} showings so far");
}

var wanted = options.ResponseRate * options.Seconds;
if (shown.Count < wanted)
{
    // Not measured: fresh visitors only, each decision a showing to answer.
    var missing = wanted - shown.Count;
    var rate = Math.Min(1_000, missing);
    await RunAsync(storefronts, rate, TimeSpan.FromSeconds(Math.Ceiling(missing / (double)rate)), (http, _) => DecideAsync(http, $"bench-{Guid.NewGuid():N}"));
}

var showings = shown.Take(wanted).ToArray();
var statuses = new ConcurrentDictionary<HttpStatusCode, int>();
async Task<bool> RespondAsync(HttpClient http, int index, bool replay)
{
    var (visitor, impression) = showings[index];
    var body = $$"""{"impressionId":"{{impression}}","visitorId":"{{visitor}}","answers":[{"questionId":"nps","score":{{index % 11}}}]}""";
    using var request = new HttpRequestMessage(HttpMethod.Post, "/api/surveys/responses") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
    request.Headers.Add("Idempotency-Key", impression.ToString());
    using var response = await http.SendAsync(request);
    if (!replay)
    {
        statuses.AddOrUpdate(response.StatusCode, 1, (_, count) => count + 1);
        return response.StatusCode == HttpStatusCode.Created;
    }

    return response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created;
}

await Task.Delay(TimeSpan.FromSeconds(options.SettleSeconds));
var duration = TimeSpan.FromSeconds(showings.Length / (double)options.ResponseRate);
Row("responses", options.ResponseRate, await RunAsync(storefronts, options.ResponseRate, duration, (http, index) => RespondAsync(http, index, replay: false)));
Console.Error.WriteLine("responses done");
await Task.Delay(TimeSpan.FromSeconds(options.SettleSeconds));
Row("replays", options.ResponseRate, await RunAsync(storefronts, options.ResponseRate, duration, (http, index) => RespondAsync(http, index, replay: true)));

var insights = await ReadInsightsAsync(admin, surveyId);
var stored = insights["summary"]!["responses"]!.GetValue<int>();
var accepted = statuses.GetValueOrDefault(HttpStatusCode.Created);
output.AppendLine();
var others = string.Join(", ", statuses.Where(pair => pair.Key != HttpStatusCode.Created).Select(pair => $"{(int)pair.Key}×{pair.Value}"));
output.AppendLine(CultureInfo.InvariantCulture,
    $"Showings: {shown.Count:N0}; responses sent: {showings.Length:N0}, 201: {accepted:N0}, other: {(others.Length == 0 ? "none" : others)}; " +
    $"stored (admin insights): {stored:N0}; lost: {accepted - Math.Min(stored, accepted)}; duplicated: {Math.Max(0, stored - accepted)}");
Console.WriteLine(output);
return stored == accepted && accepted == showings.Length ? 0 : 3;

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

internal sealed record SurveyBenchOptions(Uri Gateway, string? AdminKey, int[] Rates, int Seconds, int ResponseRate, int SettleSeconds)
{
    public static SurveyBenchOptions Parse(string[] args)
    {
        string Value(string name, string fallback) => Array.IndexOf(args, name) is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
        int Number(string name, string fallback) => int.Parse(Value(name, fallback), CultureInfo.InvariantCulture);
        return new SurveyBenchOptions(
            new Uri(Value("--gateway", Environment.GetEnvironmentVariable("PARTNERMESH_GATEWAY") ?? "http://127.0.0.1:8080")),
            Value("--api-key", Environment.GetEnvironmentVariable("PARTNERMESH_ADMIN_KEY") ?? "") is { Length: > 0 } key ? key : null,
            [.. Value("--rates", "500,1000,2000").Split(',').Select(rate => int.Parse(rate, CultureInfo.InvariantCulture))],
            Number("--seconds", "10"),
            Number("--response-rate", "1000"),
            Number("--settle", "20"));
    }
}
