using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using PartnerMesh.ServiceDefaults.Security;

// Cart evaluations at fixed offered loads (open loop: requests start on schedule whether or not earlier ones finished,
// and latency counts from the scheduled start, so a stall shows in the percentiles instead of slowing the load down).
var options = BenchOptions.Parse(args);
using var operatorClient = GatewayClient(options.Gateway, options.AdminKey);
// Seeding a thousand promotions is two thousand admin calls: a bench admin key with the highest limit the gateway allows.
using var admin = GatewayClient(options.Gateway, await CreateKeyAsync(operatorClient, "admin"));
// A key allows at most 100,000 requests a minute (the gateway's cap): spread the load over enough storefront keys.
var keyCount = (int)Math.Ceiling(options.Rates.Max() / 1_500.0);
var gateway = new List<HttpClient>();
for (var index = 0; index < keyCount; index++)
{
    gateway.Add(GatewayClient(options.Gateway, await CreateKeyAsync(admin, "storefront")));
}

List<HttpClient>? direct = options.DirectUrl is { } directUrl && options.SigningKey is { } signingKey
    ? [DirectClient(directUrl, new ServiceTokenIssuer(Options.Create(new ServiceIdentityOptions { SigningKey = signingKey }), TimeProvider.System)
        .Issue("load-bench", [PartnerMeshScopes.Storefront], keyId: "load-bench"))]
    : null;

var output = new StringBuilder();
output.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; {options.Seconds} s per load after 2 s warm-up; 10-line carts.");
output.AppendLine();
output.AppendLine("| live promotions | path | offered /s | achieved /s | p50 ms | p90 ms | p99 ms | max ms | errors |");
output.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|");
var seeded = 0;
foreach (var promotions in options.PromotionCounts)
{
    var cartProducts = await SeedAsync(admin, promotions - seeded);
    seeded = promotions;
    foreach (var (path, client) in new[] { ("gateway", gateway), ("direct", direct) })
    {
        if (client is null)
        {
            continue;
        }

        foreach (var rate in options.Rates)
        {
            await RunAsync(client, rate, TimeSpan.FromSeconds(2), cartProducts); // warm-up, not recorded
            var result = await RunAsync(client, rate, TimeSpan.FromSeconds(options.Seconds), cartProducts);
            output.AppendLine(CultureInfo.InvariantCulture,
                $"| {promotions:N0} | {path} | {rate:N0} | {result.Achieved:N0} | {result.P(50):F1} | {result.P(90):F1} | {result.P(99):F1} | {result.Max:F1} | {result.Errors} |");
            Console.Error.WriteLine($"{promotions} promotions, {path}, {rate}/s: p99 {result.P(99):F1} ms, {result.Errors} errors");
        }
    }
}

Console.WriteLine(output);
return 0;

static HttpClient GatewayClient(Uri baseAddress, string apiKey)
{
    var client = Client(baseAddress);
    client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
    return client;
}

// Straight to the service, with the kind of service token the gateway would have sent.
static HttpClient DirectClient(Uri baseAddress, string serviceToken)
{
    var client = Client(baseAddress);
    client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", serviceToken);
    return client;
}

static HttpClient Client(Uri baseAddress) =>
    new(new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(30),
    };

static async Task<string> CreateKeyAsync(HttpClient admin, string scope)
{
    var response = await PostAsync(admin, "/api/gateway/keys", new JsonObject
    {
        ["name"] = $"load-bench-{Guid.NewGuid():N}", ["scope"] = scope, ["rateLimitPerMinute"] = 100_000,
    });
    return (await response.Content.ReadFromJsonAsync<JsonObject>())!["apiKey"]!.GetValue<string>();
}

// A realistic mix: almost every promotion targets products or categories that are not in the bench carts; one in fifty
// is generic (a threshold on the order) and one in fifty targets a product the carts hold.
static async Task<string[]> SeedAsync(HttpClient admin, int count)
{
    string[] cartProducts = [.. Enumerable.Range(0, 10).Select(index => $"bench-product-{index}")];
    using var slots = new SemaphoreSlim(8);
    await Task.WhenAll(Enumerable.Range(0, count).Select(async index =>
    {
        await slots.WaitAsync();
        try
        {
            var action = (index % 50) switch
            {
                0 => new JsonObject { ["type"] = "percentOffOrder", ["percent"] = 5, ["maxDiscount"] = 20 },
                1 => new JsonObject { ["type"] = "percentOffItems", ["percent"] = 10, ["filter"] = new JsonObject { ["productIds"] = new JsonArray(cartProducts[index % 10]) } },
                _ => new JsonObject { ["type"] = "percentOffItems", ["percent"] = 10, ["filter"] = new JsonObject { ["productIds"] = new JsonArray($"other-{Guid.NewGuid():N}"), ["categories"] = new JsonArray($"category-{index % 500}") } },
            };
            var definition = new JsonObject
            {
                ["name"] = $"bench {index}",
                ["currency"] = "EUR",
                ["conditions"] = new JsonArray(new JsonObject { ["type"] = "cartSubtotal", ["min"] = 10 + index % 90 }),
                ["action"] = action,
            };
            var created = await PostAsync(admin, "/api/promotions/definitions", new JsonObject { ["definition"] = definition });
            var id = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
            await PostAsync(admin, $"/api/promotions/definitions/{id}/publish", new JsonObject { ["reason"] = "bench" });
        }
        finally
        {
            slots.Release();
        }
    }));
    return cartProducts;
}

// Admin keys are rate limited like any other: wait as the gateway's Retry-After says.
static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, JsonObject body)
{
    while (true)
    {
        var response = await client.PostAsJsonAsync(path, body);
        if (response.StatusCode != System.Net.HttpStatusCode.TooManyRequests)
        {
            return response.EnsureSuccessStatusCode();
        }

        await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
    }
}

static async Task<LoadResult> RunAsync(List<HttpClient> clients, int rate, TimeSpan duration, string[] products)
{
    var total = (int)(rate * duration.TotalSeconds);
    var latencies = new double[total];
    var errors = 0;
    var bodies = Enumerable.Range(0, 64).Select(index => Cart(products, index)).ToArray();
    var tasks = new Task[total];
    var clock = Stopwatch.StartNew();
    for (var index = 0; index < total; index++)
    {
        var scheduled = TimeSpan.FromSeconds(index / (double)rate);
        var wait = scheduled - clock.Elapsed;
        if (wait > TimeSpan.FromMilliseconds(1))
        {
            await Task.Delay(wait);
        }

        var slot = index;
        tasks[index] = Task.Run(async () =>
        {
            try
            {
                using var content = new StringContent(bodies[slot % bodies.Length], Encoding.UTF8, "application/json");
                using var response = await clients[slot % clients.Count].PostAsync("/api/promotions/evaluations", content);
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref errors);
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                Interlocked.Increment(ref errors);
            }

            latencies[slot] = (clock.Elapsed - scheduled).TotalMilliseconds;
        });
    }

    await Task.WhenAll(tasks);
    var elapsed = clock.Elapsed.TotalSeconds;
    Array.Sort(latencies);
    return new LoadResult(latencies, (total - errors) / elapsed, errors);
}

static string Cart(string[] products, int seed) => new JsonObject
{
    ["currency"] = "EUR",
    ["touchpoint"] = "cart",
    ["visitorId"] = $"visitor-{seed}",
    ["shipping"] = 4.90m,
    ["lines"] = new JsonArray([.. products.Select((product, index) => (JsonNode)new JsonObject
    {
        ["id"] = $"line-{index}", ["productId"] = product, ["quantity"] = 1 + (seed + index) % 3, ["unitPrice"] = 9.90m + index,
        ["categories"] = new JsonArray($"bench-category-{index}"),
    })]),
}.ToJsonString();

internal sealed record LoadResult(double[] SortedLatencies, double Achieved, int Errors)
{
    public double P(double percentile) => SortedLatencies.Length == 0 ? 0
        : SortedLatencies[Math.Min(SortedLatencies.Length - 1, (int)Math.Ceiling(percentile / 100 * SortedLatencies.Length) - 1)];

    public double Max => SortedLatencies.Length == 0 ? 0 : SortedLatencies[^1];
}

internal sealed record BenchOptions(Uri Gateway, string AdminKey, Uri? DirectUrl, string? SigningKey, int[] PromotionCounts, int[] Rates, int Seconds)
{
    public static BenchOptions Parse(string[] args)
    {
        string Value(string name, string? fallback) =>
            Array.IndexOf(args, name) is var at and >= 0 && at + 1 < args.Length ? args[at + 1]
            : fallback ?? throw new ArgumentException($"{name} is required");
        int[] Numbers(string text) => [.. text.Split(',').Select(part => int.Parse(part, CultureInfo.InvariantCulture))];

        var direct = Value("--direct", "");
        var signingKey = Value("--signing-key", Environment.GetEnvironmentVariable("PARTNERMESH_SIGNING_KEY") ?? "");
        return new BenchOptions(
            new Uri(Value("--gateway", Environment.GetEnvironmentVariable("PARTNERMESH_GATEWAY") ?? "http://127.0.0.1:8080")),
            Value("--api-key", Environment.GetEnvironmentVariable("PARTNERMESH_ADMIN_KEY")),
            direct.Length > 0 ? new Uri(direct) : null,
            signingKey.Length > 0 ? signingKey : null,
            Numbers(Value("--promotions", "10,1000")),
            Numbers(Value("--rates", "1000,2000,4000")),
            int.Parse(Value("--seconds", "10"), CultureInfo.InvariantCulture));
    }
}
