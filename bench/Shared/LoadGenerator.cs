using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace PartnerMesh.Bench;

/// <summary>
/// What the load benchmarks share: clients for the gateway (API key) or a service (service token), bench API keys, and
/// an open-loop runner — requests start on schedule whether or not earlier ones finished, and latency counts from the
/// scheduled start, so a stall shows in the percentiles instead of slowing the load down.
/// </summary>
internal static class LoadGenerator
{
    public static HttpClient GatewayClient(Uri baseAddress, string apiKey)
    {
        var client = Client(baseAddress);
        client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return client;
    }

    /// <summary>Straight to a service, with the kind of service token the gateway would have sent.</summary>
    public static HttpClient DirectClient(Uri baseAddress, string serviceToken)
    {
        var client = Client(baseAddress);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", serviceToken);
        return client;
    }

    /// <summary>A key allows at most 100,000 requests a minute (the gateway's cap): load spreads over several.</summary>
    public static async Task<string> CreateKeyAsync(HttpClient admin, string scope)
    {
        var response = await PostAsync(admin, "/api/gateway/keys", new JsonObject
        {
            ["name"] = $"load-bench-{Guid.NewGuid():N}", ["scope"] = scope, ["rateLimitPerMinute"] = 100_000,
        });
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["apiKey"]!.GetValue<string>();
    }

    public static async Task<List<HttpClient>> StorefrontClientsAsync(Uri gateway, HttpClient admin, int peakRate)
    {
        var clients = new List<HttpClient>();
        for (var index = 0; index < Math.Ceiling(peakRate / 1_500.0); index++)
        {
            clients.Add(GatewayClient(gateway, await CreateKeyAsync(admin, "storefront")));
        }

        return clients;
    }

    /// <summary>Admin keys are rate limited like any other: waits as the gateway's Retry-After says.</summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, JsonObject body)
    {
        while (true)
        {
            var response = await client.PostAsJsonAsync(path, body);
            if (response.StatusCode != HttpStatusCode.TooManyRequests)
            {
                return response.EnsureSuccessStatusCode();
            }

            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>
    /// Offers <paramref name="rate"/> requests a second for <paramref name="duration"/>. <paramref name="send"/> makes
    /// request number <c>index</c> on a client and returns whether it succeeded (a refusal the scenario expects, such as
    /// a 409 past a limit, is a success).
    /// </summary>
    public static async Task<LoadResult> RunAsync(List<HttpClient> clients, int rate, TimeSpan duration, Func<HttpClient, int, Task<bool>> send)
    {
        var total = (int)(rate * duration.TotalSeconds);
        var latencies = new double[total];
        var errors = 0;
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
                    if (!await send(clients[slot % clients.Count], slot))
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

    private static HttpClient Client(Uri baseAddress) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
}

internal sealed record LoadResult(double[] SortedLatencies, double Achieved, int Errors)
{
    public double P(double percentile) => SortedLatencies.Length == 0 ? 0
        : SortedLatencies[Math.Min(SortedLatencies.Length - 1, (int)Math.Ceiling(percentile / 100 * SortedLatencies.Length) - 1)];

    public double Max => SortedLatencies.Length == 0 ? 0 : SortedLatencies[^1];
}
