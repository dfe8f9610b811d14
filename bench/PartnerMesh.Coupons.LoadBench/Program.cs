using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using PartnerMesh.Bench;
using static PartnerMesh.Bench.LoadGenerator;

// Coupons through the gateway: validations and redemptions at fixed offered loads (open loop, bench/Shared), counting
// every redemption's answer against the code's limit (zero over-redemption, checked with the campaign's stats), and a
// bulk generation of 100,000 codes timed from the request to the job's completion, with the coupons process's peak
// resident memory sampled from /proc when it runs on this machine.
var options = CouponBenchOptions.Parse(args);
using var operatorClient = GatewayClient(options.Gateway, options.AdminKey);
using var admin = GatewayClient(options.Gateway, await CreateKeyAsync(operatorClient, "admin"));
var storefront = await StorefrontClientsAsync(options.Gateway, admin, options.Rates.Max());

var output = new StringBuilder();
output.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; {options.Seconds} s per load after 2 s warm-up; through the gateway.");
output.AppendLine();
output.AppendLine("| call | offered /s | achieved /s | p50 ms | p90 ms | p99 ms | max ms | errors | redeemed / limit | uses in stats |");
output.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");

var (_, validationCode) = await CampaignWithCodeAsync(admin, new JsonObject { ["maxUsesPerCustomer"] = 5 }, maxUses: null);
foreach (var rate in options.Rates)
{
    var body = $$"""{"code":"{{validationCode.ToLowerInvariant()}}","customer":{"email":"bench@example.com"},"cartTotal":50,"currency":"EUR"}""";
    async Task<bool> ValidateAsync(HttpClient http, int index)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("/api/coupons/validations", content);
        return response.IsSuccessStatusCode;
    }

    await RunAsync(storefront, rate, TimeSpan.FromSeconds(2), ValidateAsync);
    var result = await RunAsync(storefront, rate, TimeSpan.FromSeconds(options.Seconds), ValidateAsync);
    output.AppendLine(CultureInfo.InvariantCulture,
        $"| validation | {rate:N0} | {result.Achieved:N0} | {result.P(50):F1} | {result.P(90):F1} | {result.P(99):F1} | {result.Max:F1} | {result.Errors} | | |");
    Console.Error.WriteLine($"validations {rate}/s: p99 {result.P(99):F1} ms, {result.Errors} errors");
}

foreach (var rate in options.RedemptionRates)
{
    // All redemptions of one code (the hot-code case: each takes a use of the same counters, so they meet in one lane's
    // group commits). Half of the offered redemptions can succeed: the rest must be refused with a 409, never let through.
    var limit = rate * options.Seconds / 2;
    var (campaignId, code) = await CampaignWithCodeAsync(admin, new JsonObject { ["requireReservation"] = false }, maxUses: limit);
    var created = 0;
    async Task<bool> RedeemAsync(HttpClient http, int index)
    {
        var body = $$"""{"code":"{{code}}","orderId":"bench-{{Guid.NewGuid():N}}","customer":{"id":"c-{{index}}"},"orderTotal":50,"currency":"EUR"}""";
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("/api/coupons/redemptions", content);
        if (response.StatusCode == HttpStatusCode.Created)
        {
            Interlocked.Increment(ref created);
        }

        return response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict;
    }

    var result = await RunAsync(storefront, rate, TimeSpan.FromSeconds(options.Seconds), RedeemAsync);
    var stats = (await admin.GetFromJsonAsync<JsonObject>($"/api/coupons/campaigns/{campaignId}/stats"))!;
    output.AppendLine(CultureInfo.InvariantCulture,
        $"| redemption (one code) | {rate:N0} | {result.Achieved:N0} | {result.P(50):F1} | {result.P(90):F1} | {result.P(99):F1} | {result.Max:F1} | {result.Errors} | {created:N0} / {limit:N0} | {stats["uses"]!.GetValue<int>():N0} |");
    Console.Error.WriteLine($"redemptions {rate}/s: {created} created of limit {limit}, stats uses {stats["uses"]}");
}

if (options.BulkCount > 0)
{
    var (campaignId, _) = await CampaignWithCodeAsync(admin, new JsonObject(), maxUses: null);
    var processId = CouponsProcessId();
    var baseline = processId is { } pid ? ResidentMegabytes(pid) : null;
    var peak = baseline;
    var clock = Stopwatch.StartNew();
    var job = await (await PostAsync(admin, $"/api/coupons/campaigns/{campaignId}/generation-jobs", new JsonObject
    {
        ["pattern"] = "####-????-****", ["prefix"] = "BENCH-", ["count"] = options.BulkCount,
    })).Content.ReadFromJsonAsync<JsonObject>();
    var jobId = job!["id"]!.GetValue<Guid>();
    string status;
    do
    {
        await Task.Delay(100);
        if (processId is { } id && ResidentMegabytes(id) is { } now && now > peak)
        {
            peak = now;
        }

        status = (await admin.GetFromJsonAsync<JsonObject>($"/api/coupons/generation-jobs/{jobId}"))!["status"]!.GetValue<string>();
    }
    while (status is "queued" or "running");

    var seconds = clock.Elapsed.TotalSeconds;
    var csv = await admin.GetStringAsync($"/api/coupons/generation-jobs/{jobId}/codes.csv");
    var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1;
    output.AppendLine();
    output.AppendLine("| bulk generation | codes | status | seconds | codes in CSV | coupons-api RSS before → peak MB |");
    output.AppendLine("|---|---:|---|---:|---:|---|");
    output.AppendLine(CultureInfo.InvariantCulture,
        $"| `BENCH-####-????-****` | {options.BulkCount:N0} | {status} | {seconds:F1} | {lines:N0} | {(baseline is null ? "n/a (not on this machine)" : $"{baseline:N0} → {peak:N0}")} |");
}

Console.WriteLine(output);
return 0;

static async Task<(Guid CampaignId, string Code)> CampaignWithCodeAsync(HttpClient admin, JsonObject settings, int? maxUses)
{
    settings["name"] = $"bench {Guid.NewGuid():N}";
    settings["promotionId"] = Guid.NewGuid();
    var campaign = await (await PostAsync(admin, "/api/coupons/campaigns", settings)).Content.ReadFromJsonAsync<JsonObject>();
    var campaignId = campaign!["id"]!.GetValue<Guid>();
    var code = $"BENCH{Guid.NewGuid():N}"[..16].ToUpperInvariant();
    await PostAsync(admin, $"/api/coupons/campaigns/{campaignId}/codes", new JsonObject { ["code"] = code, ["maxUses"] = maxUses });
    return (campaignId, code);
}

// The coupons service process on this machine, if it runs here (its command line names the assembly).
static int? CouponsProcessId()
{
    foreach (var directory in Directory.EnumerateDirectories("/proc"))
    {
        if (int.TryParse(Path.GetFileName(directory), out var pid)
            && File.Exists(Path.Combine(directory, "cmdline"))
            && TryRead(Path.Combine(directory, "cmdline")) is { } commandLine
            && commandLine.Contains("PartnerMesh.Coupons.Api", StringComparison.Ordinal)
            && !commandLine.Contains("--migrate", StringComparison.Ordinal))
        {
            return pid;
        }
    }

    return null;
}

static double? ResidentMegabytes(int pid) =>
    TryRead($"/proc/{pid}/status")?.Split('\n').FirstOrDefault(line => line.StartsWith("VmRSS:", StringComparison.Ordinal)) is { } line
        ? double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024
        : null;

static string? TryRead(string path)
{
    try
    {
        return File.ReadAllText(path);
    }
    catch (IOException)
    {
        return null;
    }
    catch (UnauthorizedAccessException)
    {
        return null;
    }
}

internal sealed record CouponBenchOptions(Uri Gateway, string AdminKey, int[] Rates, int[] RedemptionRates, int Seconds, int BulkCount)
{
    public static CouponBenchOptions Parse(string[] args)
    {
        string Value(string name, string? fallback) =>
            Array.IndexOf(args, name) is var at and >= 0 && at + 1 < args.Length ? args[at + 1]
            : fallback ?? throw new ArgumentException($"{name} is required");
        int[] Numbers(string text) => [.. text.Split(',').Select(part => int.Parse(part, CultureInfo.InvariantCulture))];

        return new CouponBenchOptions(
            new Uri(Value("--gateway", Environment.GetEnvironmentVariable("PARTNERMESH_GATEWAY") ?? "http://127.0.0.1:8080")),
            Value("--api-key", Environment.GetEnvironmentVariable("PARTNERMESH_ADMIN_KEY")),
            Numbers(Value("--rates", "1000,2000,5000")),
            Numbers(Value("--redemption-rates", "500,1000")),
            int.Parse(Value("--seconds", "10"), CultureInfo.InvariantCulture),
            int.Parse(Value("--bulk", "100000"), CultureInfo.InvariantCulture));
    }
}
