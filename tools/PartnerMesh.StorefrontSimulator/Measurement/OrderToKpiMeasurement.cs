using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using PartnerMesh.StorefrontSimulator.Cli;
using PartnerMesh.StorefrontSimulator.Gateway;
using PartnerMesh.StorefrontSimulator.Metrics;
using PartnerMesh.StorefrontSimulator.Simulation;

namespace PartnerMesh.StorefrontSimulator.Measurement;

/// <summary>
/// How long until a shopper's click and order show in the partner's KPIs, end to end through the gateway. Per sample,
/// sequentially: a fresh partner and link; the click (then poll analytics until <c>totals.clicks</c> is 1); the order
/// (poll analytics, from the moment the POST is sent, until <c>totals.orders</c> is 1). Latency = from the request being
/// sent to the first poll answer that shows it, so it includes up to one polling interval plus one poll round trip.
/// </summary>
public sealed class OrderToKpiMeasurement(SimulatorOptions options, GatewayClient client, TimeProvider time, TextWriter output, TextWriter log)
{
    public const string OrderToKpi = "order POST sent → totals.orders visible";
    public const string ClickToKpi = "click sent → totals.clicks visible";
    public const string OrderRoundTrip = "order POST round trip (201)";
    public const string ClickRoundTrip = "click redirect round trip (302)";
    public const string PollRoundTrip = "analytics poll round trip";

    /// <summary>
    /// Per-minute limit asked for the measurement's own keys (the gateway's maximum): polling every 10 ms is 6,000
    /// requests a minute, far above an admin key's default of 120.
    /// </summary>
    public const int KeyRateLimitPerMinute = 100_000;

    private readonly LatencyRecorder _latencies = new();
    private readonly ErrorLog _errors = new(log);
    private long _clickTimeouts;
    private long _orderTimeouts;
    private long _polls;

    /// <returns>0 when every sample became visible without errors, 3 otherwise.</returns>
    public async Task<int> RunAsync(CancellationToken stop)
    {
        var runTag = "bench-" + time.GetUtcNow().ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "-"
            + Random.Shared.Next(0x10000).ToString("x4", CultureInfo.InvariantCulture);
        await log.WriteLineAsync($"measuring order → KPI latency through {options.Gateway}: {options.Orders} samples after "
            + $"{options.Warmup} warm-up, polling every {options.PollInterval.TotalMilliseconds:0.#} ms (run {runTag})");

        var adminSetup = new GatewaySetup(client, options.AdminKey, time, log);
        var storefrontKey = await adminSetup.CreateApiKeyAsync($"{runTag}-storefront", "storefront", KeyRateLimitPerMinute, stop);
        ApiKeyResponse? pollKey = null;
        try
        {
            pollKey = await adminSetup.CreateApiKeyAsync($"{runTag}-poller", "admin", KeyRateLimitPerMinute, stop);
            return await MeasureAsync(runTag, storefrontKey.ApiKey, pollKey.ApiKey, stop);
        }
        finally
        {
            await adminSetup.RevokeApiKeyAsync(storefrontKey, CancellationToken.None);
            if (pollKey is not null)
            {
                await adminSetup.RevokeApiKeyAsync(pollKey, CancellationToken.None);
            }
        }
    }

    private async Task<int> MeasureAsync(string runTag, string storefrontKey, string pollKey, CancellationToken stop)
    {
        // Partners and links per sample go through the measurement's own admin key: the given key may have the default
        // admin limit (120/min), which two set-up calls per sample would exhaust.
        var setup = new GatewaySetup(client, pollKey, time, log);
        var throttledBefore = client.ThrottledResponses;

        var measured = 0;
        var total = options.Warmup + options.Orders;
        try
        {
            for (var sample = 0; sample < total; sample++)
            {
                var warmup = sample < options.Warmup;
                var partner = await setup.CreatePartnerAsync(
                    $"{runTag}-{sample:0000}", $"{runTag}-{sample:0000}@example.com", "affiliate", 0.10m, stop);
                var link = await setup.CreateLinkAsync(partner.Id, "https://shop.example.com/bench", stop);
                await MeasureSampleAsync(runTag, sample, partner.Id, link.Code, storefrontKey, pollKey, warmup, stop);
                if (!warmup)
                {
                    measured++;
                    if (measured % 10 == 0 || measured == options.Orders)
                    {
                        var soFar = _latencies.TotalFor(OrderToKpi);
                        await log.WriteLineAsync($"{measured}/{options.Orders} · order → KPI p50 {MarkdownTable.Ms(soFar.P50)} ms, "
                            + $"p95 {MarkdownTable.Ms(soFar.P95)} ms · timeouts {_orderTimeouts + _clickTimeouts} · errors {_errors.Total}");
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            await log.WriteLineAsync($"stopped after {measured} measured samples");
        }
        catch (SetupException exception)
        {
            // The system went away mid-run: report what was measured, with the failure counted.
            _errors.Report("set-up", exception.Message);
            await log.WriteLineAsync($"stopped after {measured} measured samples");
        }

        await output.WriteAsync(Report(measured, client.ThrottledResponses - throttledBefore));
        await output.FlushAsync(CancellationToken.None);
        return _errors.Total == 0 && _clickTimeouts == 0 && _orderTimeouts == 0 && measured > 0 ? 0 : 3;
    }

    private async Task MeasureSampleAsync(
        string runTag, int sample, string partnerId, string code, string storefrontKey, string pollKey, bool warmup, CancellationToken stop)
    {
        // Any UTC day the events can fall on: yesterday (a sample that straddles midnight) up to today at each poll.
        var from = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime).AddDays(-1);

        var shopper = new ShopperContext(Guid.NewGuid().ToString("N"), "PartnerMesh-Bench/1.0", null);
        KeyValuePair<string, string>[] utm = [new("utm_source", "bench"), new("utm_medium", "benchmark"), new("utm_campaign", runTag)];
        var click = await client.FollowLinkAsync(code, utm, shopper, stop);
        if (!click.IsSuccess)
        {
            _errors.Report("click", $"/r/{code}: {click.Error}");
            return;
        }

        var clickVisible = await PollUntilAsync(partnerId, from, totals => totals.Clicks >= 1, pollKey, warmup, stop);
        if (clickVisible is null)
        {
            Interlocked.Increment(ref _clickTimeouts);
            _errors.Report("click not visible", $"partner {partnerId}: totals.clicks still 0 after {options.VisibilityTimeout.TotalSeconds:0.#} s");
        }

        var order = new ConversionRequest($"{runTag}-{sample:0000}", click.ClickId, 59.90m, TrafficSimulation.Currency, time.GetUtcNow());
        using var orderFailed = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var post = client.PostAsync<ConversionResponse>(TrafficSimulation.ConversionsPath, storefrontKey, order, stop);
        var orderVisibleTask = PollUntilAsync(partnerId, from, totals => totals.Orders >= 1, pollKey, warmup, orderFailed.Token);
        var result = await post;
        if (result.Status != HttpStatusCode.Created || string.IsNullOrEmpty(result.Value?.ConversionId))
        {
            await orderFailed.CancelAsync();
            try
            {
                await orderVisibleTask;
            }
            catch (OperationCanceledException) when (!stop.IsCancellationRequested)
            {
            }

            _errors.Report("order", $"order {order.OrderId}: expected 201 with a conversionId, got {result.Describe()}");
            return;
        }

        var orderVisible = await orderVisibleTask;
        if (orderVisible is null)
        {
            Interlocked.Increment(ref _orderTimeouts);
            _errors.Report("order not visible", $"partner {partnerId}: totals.orders still 0 after {options.VisibilityTimeout.TotalSeconds:0.#} s");
        }

        if (warmup)
        {
            return;
        }

        _latencies.Record(ClickRoundTrip, click.Latency);
        _latencies.Record(OrderRoundTrip, result.Latency);
        if (clickVisible is { } clickSeen)
        {
            _latencies.Record(ClickToKpi, Stopwatch.GetElapsedTime(click.SentTimestamp, clickSeen));
        }

        if (orderVisible is { } orderSeen)
        {
            // The order's first attempt may have waited out a 429; the clock starts at the attempt that was answered.
            _latencies.Record(OrderToKpi, Stopwatch.GetElapsedTime(result.SentTimestamp, Math.Max(orderSeen, result.SentTimestamp)));
        }
    }

    /// <returns>The Stopwatch timestamp at which the first poll answer satisfying the condition arrived; null on timeout.</returns>
    private async Task<long?> PollUntilAsync(
        string partnerId, DateOnly from, Func<KpiTotals, bool> condition, string pollKey, bool warmup, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < options.VisibilityTimeout)
        {
            var pollStarted = Stopwatch.GetTimestamp();
            var to = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
            var path = $"api/analytics/partners/{Uri.EscapeDataString(partnerId)}/daily?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}";
            var result = await client.GetAsync<DailyKpiResponse>(path, pollKey, cancellationToken);
            Interlocked.Increment(ref _polls);
            if (!warmup && result.Error is null && result.Status != 0)
            {
                _latencies.Record(PollRoundTrip, result.Latency);
            }

            if (result.IsSuccess && result.Value?.Totals is { } totals && condition(totals))
            {
                return result.ReceivedTimestamp;
            }

            // 404 = analytics does not know the partner yet (its PartnerRegistered or first event is still on the way).
            if (!result.IsSuccess && result.Status != HttpStatusCode.NotFound)
            {
                _errors.Report("analytics poll", $"partner {partnerId}: {result.Describe()}");
            }

            var wait = options.PollInterval - Stopwatch.GetElapsedTime(pollStarted);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, cancellationToken);
            }
        }

        return null;
    }

    private string Report(int measured, long throttled)
    {
        var polls = Interlocked.Read(ref _polls);
        var builder = new StringBuilder();
        builder.AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"### Order → KPI latency, {time.GetUtcNow():yyyy-MM-dd HH:mm} UTC, {options.Gateway}")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture,
                $"{measured} samples after {options.Warmup} warm-up, one at a time, each with a fresh partner and link; analytics "
                + $"polled every {options.PollInterval.TotalMilliseconds:0.#} ms through the gateway (resolution: one interval plus one "
                + $"poll round trip).")
            .AppendLine();

        var timeouts = new Dictionary<string, long>(StringComparer.Ordinal)
        {
            [OrderToKpi] = _orderTimeouts,
            [ClickToKpi] = _clickTimeouts,
        };
        string[] order = [OrderToKpi, ClickToKpi, OrderRoundTrip, ClickRoundTrip, PollRoundTrip];
        var rows = order.Select(name =>
        {
            var summary = _latencies.TotalFor(name);
            return (IReadOnlyList<string>)
            [
                name,
                summary.Count.ToString(CultureInfo.InvariantCulture),
                timeouts.TryGetValue(name, out var timedOut) ? timedOut.ToString(CultureInfo.InvariantCulture) : "–",
                MarkdownTable.Ms(summary.P50),
                MarkdownTable.Ms(summary.P95),
                MarkdownTable.Ms(summary.P99),
                MarkdownTable.Ms(summary.Max),
            ];
        });
        builder.Append(MarkdownTable.Render(
                ["measurement", "count", "timed out", "p50 (ms)", "p95 (ms)", "p99 (ms)", "max (ms)"], rows, new HashSet<int> { 1, 2, 3, 4, 5, 6 }))
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture,
                $"Errors: {(_errors.Total == 0 ? "0" : $"{_errors.Total} ({string.Join(", ", _errors.ByKind.Select(p => $"{p.Key}: {p.Value}"))})")}"
                + $" · 429 answers: {throttled} · analytics polls: {polls}");
        return builder.ToString();
    }
}
