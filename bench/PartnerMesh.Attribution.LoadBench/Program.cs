using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using PartnerMesh.Bench;
using static PartnerMesh.Bench.LoadGenerator;

// Referral-link clicks through the gateway at fixed offered loads (open loop, bench/Shared). Each request is a shopper
// following /r/{code}: the benchmark connects from one "load balancer" address (--proxy-address) that the gateway must
// trust (PartnerMesh:GatewayTrustedProxyNetworks), and names a different shopper address per click in X-Forwarded-For,
// so the gateway's per-address budget for /r applies per shopper, as behind a real load balancer. Every tenth click is a
// returning shopper (visitor cookie) who may be collapsed into an earlier click. Afterwards every acknowledged click
// (a 302 carrying a click id) is looked up: the partner's click count in attribution must equal the distinct click ids
// acknowledged, its duplicates the repeats answered with an earlier id, and analytics must count the same clicks.
var options = ClickBenchOptions.Parse(args);
using var operatorClient = GatewayClient(options.Gateway, options.AdminKey);
using var admin = GatewayClient(options.Gateway, await CreateKeyAsync(operatorClient, "admin"));

var partner = await (await PostAsync(admin, "/api/attribution/partners", new JsonObject
{
    ["name"] = $"Click bench {DateTime.UtcNow:HHmmss}", ["email"] = $"click-bench-{Guid.NewGuid():N}@example.com",
    ["kind"] = "affiliate", ["commissionRate"] = 0.1,
})).Content.ReadFromJsonAsync<JsonObject>();
var partnerId = partner!["id"]!.GetValue<Guid>();
var code = $"bench-{Guid.NewGuid():N}"[..20];
await PostAsync(admin, $"/api/attribution/partners/{partnerId}/links", new JsonObject
{
    ["targetUrl"] = "https://shop.example/landing", ["code"] = code,
});

var proxy = IPAddress.Parse(options.ProxyAddress);
var shoppers = Enumerable.Range(0, 4).Select(_ => ShopperClient(options.Gateway, proxy)).ToList();
var clickIds = new ConcurrentDictionary<Guid, byte>();
var acknowledged = 0;
var refusedByRateLimit = 0;
var returningVisitors = Enumerable.Range(0, 500).Select(_ => Guid.NewGuid().ToString("N")).ToArray();
var shopperNumber = 0;

async Task<bool> ClickAsync(HttpClient http, int index)
{
    var shopper = Interlocked.Increment(ref shopperNumber);
    using var request = new HttpRequestMessage(HttpMethod.Get, $"/r/{code}?utm_source=bench&utm_medium=load&utm_campaign=clicks");
    request.Headers.Add("X-Forwarded-For", $"10.{(shopper >> 16) & 255}.{(shopper >> 8) & 255}.{shopper & 255}");
    if (shopper % 10 == 0)
    {
        request.Headers.Add("Cookie", $"pm_vid={returningVisitors[shopper / 10 % returningVisitors.Length]}");
    }

    using var response = await http.SendAsync(request);
    if (response.StatusCode == HttpStatusCode.TooManyRequests)
    {
        Interlocked.Increment(ref refusedByRateLimit);
    }

    if (response.StatusCode != HttpStatusCode.Redirect || ClickIdOf(response.Headers.Location) is not { } clickId)
    {
        return false;
    }

    Interlocked.Increment(ref acknowledged);
    clickIds.TryAdd(clickId, 0);
    return true;
}

var output = new StringBuilder();
output.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; {options.Seconds} s per load after 2 s warm-up; GET /r/{{code}} through the gateway, one shopper address per click (X-Forwarded-For from {options.ProxyAddress}).");
output.AppendLine();
output.AppendLine("| offered /s | achieved /s | p50 ms | p90 ms | p99 ms | max ms | errors |");
output.AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
await RunAsync(shoppers, options.Rates[0], TimeSpan.FromSeconds(2), ClickAsync);
var results = new List<LoadResult>();
foreach (var rate in options.Rates)
{
    var result = await RunAsync(shoppers, rate, TimeSpan.FromSeconds(options.Seconds), ClickAsync);
    results.Add(result);
    output.AppendLine(CultureInfo.InvariantCulture,
        $"| {rate:N0} | {result.Achieved:N0} | {result.P(50):F1} | {result.P(90):F1} | {result.P(99):F1} | {result.Max:F1} | {result.Errors} |");
    Console.Error.WriteLine($"clicks {rate}/s: achieved {result.Achieved:N0}/s, p99 {result.P(99):F1} ms, {result.Errors} errors");
}

if (refusedByRateLimit > 0)
{
    Console.Error.WriteLine(
        $"{refusedByRateLimit} clicks got 429: the gateway does not trust {options.ProxyAddress} as a proxy. Start the system with " +
        $"PartnerMesh__GatewayTrustedProxyNetworks={options.ProxyAddress}/32 (bench/README.md, \"Clicks\").");
    return 2;
}

// Zero loss: every acknowledged click is in attribution's database, and analytics counts it (polled with a deadline).
// Requests the benchmark gave up on may still be queued in the system and be recorded after the load: attribution's
// figures are read until two reads a second apart agree, so analytics is compared with what attribution finally holds.
var (stored, duplicates) = await ClickSummaryAsync();
var settleClock = Stopwatch.StartNew();
while (settleClock.Elapsed < TimeSpan.FromSeconds(options.AnalyticsDeadlineSeconds))
{
    await Task.Delay(1000);
    var next = await ClickSummaryAsync();
    if (next == (stored, duplicates))
    {
        break;
    }

    (stored, duplicates) = next;
}

var analyticsClock = Stopwatch.StartNew();
long counted;
do
{
    var today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    var daily = await admin.GetFromJsonAsync<JsonObject>($"/api/analytics/partners/{partnerId}/daily?from={today}&to={today}");
    counted = daily!["totals"]!["clicks"]!.GetValue<long>();
    if (counted >= stored || analyticsClock.Elapsed > TimeSpan.FromSeconds(options.AnalyticsDeadlineSeconds))
    {
        break;
    }

    await Task.Delay(500);
}
while (true);

async Task<(long Clicks, long Duplicates)> ClickSummaryAsync()
{
    var summary = (await admin.GetFromJsonAsync<JsonObject>($"/api/attribution/partners/{partnerId}/clicks/summary"))!;
    return (summary["clicks"]!.GetValue<long>(), summary["duplicateClicks"]!.GetValue<long>());
}

output.AppendLine();
output.AppendLine("| acknowledged clicks | distinct click ids | repeats answered with an earlier id | attribution: clicks / duplicates | analytics: clicks | analytics caught up after |");
output.AppendLine("|---:|---:|---:|---:|---:|---:|");
output.AppendLine(CultureInfo.InvariantCulture,
    $"| {acknowledged:N0} | {clickIds.Count:N0} | {acknowledged - clickIds.Count:N0} | {stored:N0} / {duplicates:N0} | {counted:N0} | {(counted >= stored ? $"{analyticsClock.Elapsed.TotalSeconds:F1} s" : "not within the deadline")} |");
// A request the benchmark gave up on (an error) may still have been recorded: then attribution holds more than was
// acknowledged. Without errors the counts must be equal.
var clickErrors = results.Sum(result => result.Errors);
var lossless = (clickErrors == 0
        ? stored == clickIds.Count && duplicates == acknowledged - clickIds.Count
        : stored >= clickIds.Count && stored + duplicates >= acknowledged)
    && counted == stored;
output.AppendLine();
output.AppendLine(lossless
    ? $"Zero loss: every acknowledged click is stored once and counted once in analytics{(clickErrors == 0 ? "." : $" ({clickErrors:N0} requests timed out or failed; attribution may hold clicks the benchmark did not see acknowledged).")}"
    : "LOSS OR DOUBLE COUNT: the figures above disagree.");

// Conversion → commission in the partner's ledger: the order's commission is booked in the transaction that records
// the order, so it is in the ledger when the 201 arrives; the latency of that answer is the time to the ledger.
var ledgerChecked = true;
if (options.OrderRate > 0)
{
    // Orders of one partner commit one at a time (its row is locked for tiers and budgets): spread over 20 partners.
    var storefront = new List<HttpClient> { GatewayClient(options.Gateway, await CreateKeyAsync(admin, "storefront")) };
    var orderPartners = new List<Guid>();
    var orderClicks = new List<Guid>();
    for (var index = 0; index < 20; index++)
    {
        var orderPartner = (await (await PostAsync(admin, "/api/attribution/partners", new JsonObject
        {
            ["name"] = $"Order bench {index}", ["email"] = $"order-bench-{Guid.NewGuid():N}@example.com", ["kind"] = "affiliate", ["commissionRate"] = 0.1,
        })).Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        var orderCode = $"orders-{Guid.NewGuid():N}"[..20];
        await PostAsync(admin, $"/api/attribution/partners/{orderPartner}/links", new JsonObject { ["targetUrl"] = "https://shop.example/landing", ["code"] = orderCode });
        using var click = new HttpRequestMessage(HttpMethod.Get, $"/r/{orderCode}");
        click.Headers.Add("X-Forwarded-For", $"10.200.0.{index + 1}");
        using var redirect = await shoppers[0].SendAsync(click);
        orderPartners.Add(orderPartner);
        orderClicks.Add(ClickIdOf(redirect.Headers.Location) ?? throw new InvalidOperationException($"No click id: {redirect.StatusCode}"));
    }

    var booked = 0;
    var commission = 0m;
    var orders = await RunAsync(storefront, options.OrderRate, TimeSpan.FromSeconds(options.Seconds), async (http, index) =>
    {
        using var response = await http.PostAsJsonAsync("/api/attribution/conversions", new JsonObject
        {
            ["orderId"] = $"bench-{Guid.NewGuid():N}", ["clickId"] = orderClicks[index % orderClicks.Count], ["amount"] = 50m,
            ["currency"] = "EUR", ["orderedAt"] = DateTimeOffset.UtcNow.AddMinutes(1),
        });
        if (response.StatusCode != HttpStatusCode.Created)
        {
            return false;
        }

        var amount = (await response.Content.ReadFromJsonAsync<JsonObject>())!["commissionAmount"]!.GetValue<decimal>();
        lock (storefront)
        {
            booked++;
            commission += amount;
        }

        return true;
    });
    var earned = 0m;
    foreach (var orderPartner in orderPartners)
    {
        var ledger = (await admin.GetFromJsonAsync<JsonObject>($"/api/attribution/partners/{orderPartner}/ledger"))!;
        earned += ledger["totals"]!.AsArray().Sum(total => total!["earned"]!.GetValue<decimal>());
    }

    ledgerChecked = earned == commission;
    output.AppendLine();
    output.AppendLine("| orders offered /s (20 partners) | achieved /s | p50 ms | p95 ms | p99 ms | errors | commission booked | in the ledger |");
    output.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
    output.AppendLine(CultureInfo.InvariantCulture,
        $"| {options.OrderRate:N0} | {orders.Achieved:N0} | {orders.P(50):F1} | {orders.P(95):F1} | {orders.P(99):F1} | {orders.Errors} | {booked:N0} orders, {commission:N2} EUR | {earned:N2} EUR |");
}

Console.WriteLine(output);
return lossless && ledgerChecked ? 0 : 3;

static Guid? ClickIdOf(Uri? location)
{
    if (location is null)
    {
        return null;
    }

    var query = location.IsAbsoluteUri ? location.Query : location.OriginalString[Math.Max(0, location.OriginalString.IndexOf('?'))..];
    foreach (var pair in query.TrimStart('?').Split('&'))
    {
        if (pair.StartsWith("pm_click=", StringComparison.Ordinal) && Guid.TryParse(pair["pm_click=".Length..], out var id))
        {
            return id;
        }
    }

    return null;
}

// A shopper's browser behind the load balancer: no redirects followed, no cookie jar (cookies are set per request).
static HttpClient ShopperClient(Uri gateway, IPAddress proxy) =>
    new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        MaxConnectionsPerServer = 256,
        PooledConnectionLifetime = TimeSpan.FromMinutes(10),
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(proxy.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(proxy, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    {
        BaseAddress = gateway,
        Timeout = TimeSpan.FromSeconds(30),
    };

internal sealed record ClickBenchOptions(
    Uri Gateway, string AdminKey, int[] Rates, int Seconds, string ProxyAddress, int AnalyticsDeadlineSeconds, int OrderRate)
{
    public static ClickBenchOptions Parse(string[] args)
    {
        string Value(string name, string? fallback) =>
            Array.IndexOf(args, name) is var at and >= 0 && at + 1 < args.Length ? args[at + 1]
            : fallback ?? throw new ArgumentException($"{name} is required");

        return new ClickBenchOptions(
            new Uri(Value("--gateway", Environment.GetEnvironmentVariable("PARTNERMESH_GATEWAY") ?? "http://127.0.0.1:8080")),
            Value("--api-key", Environment.GetEnvironmentVariable("PARTNERMESH_ADMIN_KEY")),
            [.. Value("--rates", "1000,2000,5000").Split(',').Select(part => int.Parse(part, CultureInfo.InvariantCulture))],
            int.Parse(Value("--seconds", "10"), CultureInfo.InvariantCulture),
            Value("--proxy-address", "127.0.0.2"),
            int.Parse(Value("--analytics-deadline", "180"), CultureInfo.InvariantCulture),
            int.Parse(Value("--order-rate", "200"), CultureInfo.InvariantCulture));
    }
}
