using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.ServiceDefaults.Security;
using static PartnerMesh.Bench.LoadGenerator;

// Cart evaluations at fixed offered loads, open loop (bench/Shared/LoadGenerator.cs).
// Seeding and retiring promotions: a few admin calls at a time.
const int AdminCallsAtOnce = 8;
var options = BenchOptions.Parse(args);
using var operatorClient = GatewayClient(options.Gateway, options.AdminKey);
// Seeding a thousand promotions is two thousand admin calls: a bench admin key with the highest limit the gateway allows.
using var admin = GatewayClient(options.Gateway, await CreateKeyAsync(operatorClient, "admin"));
// A key allows at most 100,000 requests a minute (the gateway's cap): spread the load over enough storefront keys.
var gateway = await StorefrontClientsAsync(options.Gateway, admin, options.Rates.Max());

List<HttpClient>? direct = options.DirectUrl is { } directUrl && options.SigningKey is { } signingKey
    ? [DirectClient(directUrl, new ServiceTokenIssuer(ServiceTokenIssuers.Gateway, new ServiceTokenSigningOptions { SigningKey = signingKey, TokenLifetime = TimeSpan.FromHours(1) }, TimeProvider.System)
        .Issue(ResourceNames.PromotionsApi, "load-bench", [PartnerMeshScopes.Storefront], keyId: "load-bench"))]
    : null;

var output = new StringBuilder();
output.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; {options.Seconds} s per load after 2 s warm-up; 10-line carts.");
output.AppendLine();
output.AppendLine("| live promotions | path | offered /s | achieved /s | p50 ms | p90 ms | p99 ms | max ms | errors |");
output.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|");
// Earlier runs' promotions would still be live and change what every cart matches: the counts must be this run's.
var retired = await EndEarlierBenchPromotionsAsync(admin);
Console.Error.WriteLine($"ended {retired} promotions left live by earlier runs");
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
            var carts = Enumerable.Range(0, 64).Select(index => Cart(cartProducts, index)).ToArray();
            async Task<bool> EvaluateAsync(HttpClient http, int index)
            {
                using var content = new StringContent(carts[index % carts.Length], Encoding.UTF8, "application/json");
                using var response = await http.PostAsync("/api/promotions/evaluations", content);
                return response.IsSuccessStatusCode;
            }

            await RunAsync(client, rate, TimeSpan.FromSeconds(2), EvaluateAsync); // warm-up, not recorded
            var result = await RunAsync(client, rate, TimeSpan.FromSeconds(options.Seconds), EvaluateAsync);
            output.AppendLine(CultureInfo.InvariantCulture,
                $"| {promotions:N0} | {path} | {rate:N0} | {result.Achieved:N0} | {result.P(50):F1} | {result.P(90):F1} | {result.P(99):F1} | {result.Max:F1} | {result.Errors} |");
            Console.Error.WriteLine($"{promotions} promotions, {path}, {rate}/s: p99 {result.P(99):F1} ms, {result.Errors} errors");
        }
    }
}

Console.WriteLine(output);
return 0;

// A realistic mix: almost every promotion targets products or categories that are not in the bench carts; one in fifty
// is generic (a threshold on the order) and one in fifty targets a product the carts hold.
static async Task<string[]> SeedAsync(HttpClient admin, int count)
{
    string[] cartProducts = [.. Enumerable.Range(0, 10).Select(index => $"bench-product-{index}")];
    await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = AdminCallsAtOnce }, async (index, cancellationToken) =>
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
        var id = (await created.Content.ReadFromJsonAsync<JsonObject>(cancellationToken))!["id"]!.GetValue<Guid>();
        await PostAsync(admin, $"/api/promotions/definitions/{id}/publish", new JsonObject { ["reason"] = "bench" });
    });
    return cartProducts;
}

static async Task<int> EndEarlierBenchPromotionsAsync(HttpClient admin)
{
    var leftovers = new List<Guid>();
    string? cursor = null;
    do
    {
        var page = (await admin.GetFromJsonAsync<JsonObject>(
            $"/api/promotions/definitions?status=active&limit=100{(cursor is null ? "" : $"&after={cursor}")}"))!;
        leftovers.AddRange(page["items"]!.AsArray()
            .Where(item => item!["name"]!.GetValue<string>().StartsWith("bench ", StringComparison.Ordinal))
            .Select(item => item!["id"]!.GetValue<Guid>()));
        cursor = page["nextCursor"]?.GetValue<string>();
    }
    while (cursor is not null);

    await Parallel.ForEachAsync(leftovers, new ParallelOptions { MaxDegreeOfParallelism = AdminCallsAtOnce }, async (id, _) =>
        await PostAsync(admin, $"/api/promotions/definitions/{id}/end", new JsonObject { ["reason"] = "bench: a new run starts" }));
    return leftovers.Count;
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
