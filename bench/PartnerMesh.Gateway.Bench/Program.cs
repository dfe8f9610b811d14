using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.Testing;
using Yarp.ReverseProxy.Configuration;

// What the gateway's security costs: closed-loop load (a fixed number of connections, each sending its next request as
// soon as the last one answered) against (1) bare YARP and (2–3) the real gateway binary, all in front of the same
// trivial upstream: the gateway's pipeline with telemetry on its anonymous route, and with API-key authentication,
// the per-key rate limit (Redis) and service-token minting on its API routes. Prints a markdown table.
var connections = Argument("--connections", 32);
var seconds = Argument("--seconds", 10);
var gatewayDll = args.SkipWhile(arg => arg != "--gateway-dll").Skip(1).FirstOrDefault()
    ?? throw new ArgumentException("--gateway-dll <path to the release PartnerMesh.Gateway.dll> is required");

await using var upstream = await StartAsync(app => app.MapFallback(() => "ok"), configure: null);
var upstreamUrl = Url(upstream);
await using var bareProxy = await StartAsync(
    app => app.MapReverseProxy(),
    services => services.AddReverseProxy().LoadFromMemory(
        [
            new RouteConfig { RouteId = "api", ClusterId = "upstream", Match = new RouteMatch { Path = "/api/{**rest}" } },
        ],
        [
            new ClusterConfig
            {
                ClusterId = "upstream",
                Destinations = new Dictionary<string, DestinationConfig> { ["upstream"] = new() { Address = upstreamUrl } },
            },
        ]));

var infrastructure = await TestInfrastructure.GetAsync();
var database = await infrastructure.CreateDatabaseAsync(ResourceNames.GatewayDb);
var signingKey = TestServiceTokens.NewSecret();
var rows = new List<string>();
try
{
    rows.Add(await MeasureAsync("bare YARP (no telemetry, no security)", Client(Url(bareProxy)), "/api/coupons/x"));

    await using (var gateway = await GatewayProcess.StartAsync(gatewayDll, database, infrastructure.RedisConnectionString, upstreamUrl, signingKey))
    {
        var admin = Client(gateway.Url, gateway.AdminKey);
        // One key allows at most 100,000 requests a minute (the gateway's ceiling), less than this path reaches: the
        // connections share several keys, as several storefronts would.
        var storefrontKeys = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => CreateKeyAsync(admin)));
        var storefront = Client(gateway.Url);

        // A fresh process: both paths JIT-compiled and their tiered code in place before either is measured.
        await RunAsync(Client(gateway.Url), "/r/abc", TimeSpan.FromSeconds(5));
        await RunAsync(storefront, "/api/coupons/x", TimeSpan.FromSeconds(5), storefrontKeys);
        rows.Add(await MeasureAsync("gateway, anonymous route (telemetry, per-IP limit in Redis)", Client(gateway.Url), "/r/abc"));
        rows.Add(await MeasureAsync("gateway, API key route (+ key auth, per-key limit in Redis, service token)", storefront, "/api/coupons/x", storefrontKeys));
    }

}
finally
{
    await infrastructure.DropDatabaseAsync(database);
}

var output = new StringBuilder();
output.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; closed loop, {connections} connections, {seconds} s per row after 2 s warm-up; load generator, proxies and upstream share the machine.");
output.AppendLine();
output.AppendLine("| path | requests/s | share of bare YARP | p50 ms | p99 ms | errors |");
output.AppendLine("|---|---:|---:|---:|---:|---:|");
var bare = double.Parse(rows[0].Split('|')[2], CultureInfo.InvariantCulture);
foreach (var row in rows)
{
    var cells = row.Split('|');
    var rate = double.Parse(cells[2], CultureInfo.InvariantCulture);
    output.AppendLine(CultureInfo.InvariantCulture, $"|{cells[1]}| {rate:N0} | {rate / bare:P0} |{cells[3]}|{cells[4]}|{cells[5]}|");
}

Console.WriteLine(output);
return;

async Task<string> MeasureAsync(string name, HttpClient client, string path, IReadOnlyList<string>? apiKeys = null)
{
    await RunAsync(client, path, TimeSpan.FromSeconds(2), apiKeys);
    var (latencies, errors, elapsed) = await RunAsync(client, path, TimeSpan.FromSeconds(seconds), apiKeys);
    latencies.Sort();
    double P(double percentile) => latencies.Count == 0 ? 0 : latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(percentile / 100 * latencies.Count) - 1)];
    var rate = (latencies.Count - errors) / elapsed;
    Console.Error.WriteLine($"{name}: {rate:N0}/s");
    return string.Create(CultureInfo.InvariantCulture, $"| {name} |{rate:0}| {P(50):0.0} | {P(99):0.0} | {errors} |");
}

async Task<(List<double> Latencies, int Errors, double Elapsed)> RunAsync(HttpClient client, string path, TimeSpan duration, IReadOnlyList<string>? apiKeys = null)
{
    var clock = Stopwatch.StartNew();
    var errors = 0;
    var perWorker = await Task.WhenAll(Enumerable.Range(0, connections).Select(async worker =>
    {
        var latencies = new List<double>();
        while (clock.Elapsed < duration)
        {
            var started = clock.Elapsed;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                if (apiKeys is { Count: > 0 })
                {
                    request.Headers.Add("X-Api-Key", apiKeys[worker % apiKeys.Count]);
                }

                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref errors);
                }
            }
            catch (HttpRequestException)
            {
                Interlocked.Increment(ref errors);
            }

            latencies.Add((clock.Elapsed - started).TotalMilliseconds);
        }

        return latencies;
    }));
    return ([.. perWorker.SelectMany(latencies => latencies)], errors, clock.Elapsed.TotalSeconds);
}

int Argument(string name, int fallback) =>
    args.SkipWhile(arg => arg != name).Skip(1).FirstOrDefault() is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

HttpClient Client(string baseUrl, string? apiKey = null)
{
    var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections })
    {
        BaseAddress = new Uri(baseUrl),
        Timeout = TimeSpan.FromSeconds(30),
    };
    if (apiKey is not null)
    {
        client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
    }

    return client;
}

static async Task<string> CreateKeyAsync(HttpClient admin)
{
    var response = await admin.PostAsJsonAsync("/api/gateway/keys", new JsonObject
    {
        ["name"] = "gateway-bench", ["scope"] = "storefront", ["rateLimitPerMinute"] = 100_000,
    });
    return (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonObject>())!["apiKey"]!.GetValue<string>();
}

static async Task<WebApplication> StartAsync(Action<WebApplication> map, Action<IServiceCollection>? configure)
{
    var builder = WebApplication.CreateSlimBuilder();
    builder.Logging.ClearProviders();
    builder.WebHost.UseUrls("http://127.0.0.1:0");
    configure?.Invoke(builder.Services);
    var app = builder.Build();
    map(app);
    await app.StartAsync();
    return app;
}

static string Url(WebApplication app) => app.Urls.Single();
