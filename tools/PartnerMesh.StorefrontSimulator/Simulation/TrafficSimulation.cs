using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using PartnerMesh.StorefrontSimulator.Cli;
using PartnerMesh.StorefrontSimulator.Gateway;
using PartnerMesh.StorefrontSimulator.Metrics;

namespace PartnerMesh.StorefrontSimulator.Simulation;

/// <summary>
/// Storefront traffic through the gateway: shoppers follow referral links at a steady rate (open loop, bounded
/// concurrency), some of them order, a few orders are sent twice to check idempotency. Status lines every 5 s on the log,
/// a markdown summary on the output at the end.
/// </summary>
public sealed class TrafficSimulation(SimulatorOptions options, GatewayClient client, TimeProvider time, TextWriter output, TextWriter log)
{
    public const string PartnerPrefix = "sim-";
    /// <summary>
    /// Password of the portal accounts this run creates: <c>PARTNERMESH_DEMO_PASSWORD</c> when set, otherwise random per
    /// run and printed once, so no well-known credential ever exists on a system the simulator touched.
    /// </summary>
    public static readonly string DemoPassword =
        Environment.GetEnvironmentVariable("PARTNERMESH_DEMO_PASSWORD") is { Length: >= 12 } configured
            ? configured
            : "demo-" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
    public const string Currency = "EUR";
    public const string ConversionsPath = "api/attribution/conversions";
    public const string ClickCall = "click";
    public const string OrderCall = "order";
    public const string ReplayCall = "order replay";

    /// <summary>Per-minute limit asked for the simulator's own storefront key.</summary>
    public const int StorefrontRateLimitPerMinute = 100_000;

    private static readonly TimeSpan StatusInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan DrainGrace = TimeSpan.FromSeconds(10);

    private static readonly (string Kind, decimal Rate)[] PartnerKinds =
    [
        ("influencer", 0.10m), ("affiliate", 0.08m), ("ambassador", 0.15m), ("affiliate", 0.05m), ("influencer", 0.12m),
    ];

    private readonly RunCounters _counters = new();
    private readonly LatencyRecorder _latencies = new();
    private readonly ErrorLog _errors = new(log);
    private readonly ConcurrentDictionary<long, Task> _visits = new();
    private string _storefrontKey = string.Empty;
    private string _runId = string.Empty;

    /// <summary>How long, in all, portal account creation waits for the portal to learn new partners.</summary>
    public TimeSpan PortalAccountPatience { get; init; } = TimeSpan.FromSeconds(15);

    public RunCounters Counters => _counters;

    public ErrorLog Errors => _errors;

    public LatencyRecorder Latencies => _latencies;

    /// <param name="stop">Stops starting new visits (duration over, Ctrl+C); visits under way finish.</param>
    /// <param name="abort">Cancels visits under way too (second Ctrl+C).</param>
    /// <returns>0 when the run saw no errors, 3 otherwise.</returns>
    public async Task<int> RunAsync(CancellationToken stop, CancellationToken abort)
    {
        var seed = options.Seed ?? Random.Shared.Next();
        var random = new Random(seed);
        _runId = time.GetUtcNow().ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "-"
            + Random.Shared.Next(0x10000).ToString("x4", CultureInfo.InvariantCulture);

        await log.WriteLineAsync($"storefront simulator → {options.Gateway} (run {_runId}, seed {seed})");
        var setup = new GatewaySetup(client, options.AdminKey, time, log);
        var storefrontKey = await setup.CreateApiKeyAsync($"sim-storefront-{_runId}", "storefront", StorefrontRateLimitPerMinute, stop);
        _storefrontKey = storefrontKey.ApiKey;
        try
        {
            return await DriveTrafficAsync(setup, seed, random, stop, abort);
        }
        finally
        {
            await setup.RevokeApiKeyAsync(storefrontKey, CancellationToken.None);
        }
    }

    private async Task<int> DriveTrafficAsync(GatewaySetup setup, int seed, Random random, CancellationToken stop, CancellationToken abort)
    {
        var partners = await EnsurePartnersAsync(setup, stop);

        using var finish = CancellationTokenSource.CreateLinkedTokenSource(stop);
        if (options.Duration is { } duration)
        {
            finish.CancelAfter(duration);
        }

        await log.WriteLineAsync(
            $"driving {options.ClicksPerSecond.ToString(CultureInfo.InvariantCulture)} clicks/s, conversion rate "
            + $"{options.ConversionRate.ToString(CultureInfo.InvariantCulture)}, replay rate {options.ReplayRate.ToString(CultureInfo.InvariantCulture)}"
            + (options.Duration is { } d ? $" for {d.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s" : " until Ctrl+C"));

        var started = Stopwatch.GetTimestamp();
        using var statusStop = new CancellationTokenSource();
        var status = WriteStatusLinesAsync(started, statusStop.Token);

        var trafficTime = await ScheduleVisitsAsync(
            new TrafficMix(random, options.ConversionRate, options.ReplayRate), partners, finish.Token, abort);

        await statusStop.CancelAsync();
        await status;

        await output.WriteAsync(Summary(seed, trafficTime));
        await output.FlushAsync(CancellationToken.None);
        return _errors.Total == 0 ? 0 : 3;
    }

    private async Task<IReadOnlyList<SimulatedPartner>> EnsurePartnersAsync(GatewaySetup setup, CancellationToken cancellationToken)
    {
        var existing = (await setup.ListPartnersAsync(PartnerPrefix, cancellationToken))
            .OrderBy(partner => partner.Name, StringComparer.Ordinal)
            .Take(options.Partners)
            .ToList();
        var reused = existing.Count;
        for (var index = existing.Count; index < options.Partners; index++)
        {
            var (kind, rate) = PartnerKinds[index % PartnerKinds.Length];
            var name = $"{PartnerPrefix}partner-{index + 1:00}-{_runId}";
            existing.Add(await setup.CreatePartnerAsync(name, $"{name}@example.com", kind, rate, cancellationToken));
        }

        var partners = new List<SimulatedPartner>(existing.Count);
        foreach (var partner in existing)
        {
            var link = await setup.FirstLinkAsync(partner.Id, cancellationToken)
                ?? await setup.CreateLinkAsync(partner.Id, "https://shop.example.com/collections/new-in?ref=partnermesh", cancellationToken);
            var email = string.IsNullOrWhiteSpace(partner.Email) ? $"{partner.Name}@example.com" : partner.Email;
            partners.Add(new SimulatedPartner(partner.Id, partner.Name, email, link.Code));
        }

        // Portal accounts last: by now the portal has had time to learn the new partners from PartnerRegistered.
        var retryUntil = time.GetUtcNow() + PortalAccountPatience;
        var rows = new List<IReadOnlyList<string>>();
        foreach (var partner in partners)
        {
            var (outcome, detail) = await setup.EnsurePortalAccountAsync(partner.Id, partner.Email, DemoPassword, retryUntil, cancellationToken);
            var portal = outcome switch
            {
                PortalAccountOutcome.Created => $"created, password {DemoPassword}",
                PortalAccountOutcome.AlreadyExists => "exists (password unchanged)",
                _ => "not created",
            };
            if (outcome == PortalAccountOutcome.Failed)
            {
                await log.WriteLineAsync($"warning: no portal account for {partner.Name}: {detail}");
            }

            rows.Add([partner.Name, partner.Id, partner.Code, partner.Email, portal]);
        }

        await log.WriteLineAsync($"{partners.Count} partners ({reused} reused, {partners.Count - reused} created); portal sign-in at "
            + $"{new Uri(options.Gateway, "/portal/")} with the e-mail below and, for accounts created now, password {DemoPassword}:");
        await log.WriteLineAsync(MarkdownTable.Render(["partner", "id", "code", "portal e-mail", "portal account"], rows));
        return partners;
    }

    /// <returns>How long new visits were started (the drain afterwards not included).</returns>
    private async Task<TimeSpan> ScheduleVisitsAsync(
        TrafficMix mix, IReadOnlyList<SimulatedPartner> partners, CancellationToken stop, CancellationToken abort)
    {
        var maxInFlight = (int)Math.Clamp(options.ClicksPerSecond * 10, 64, 4_096);
        using var slots = new SemaphoreSlim(maxInFlight);
        var ticksPerVisit = Stopwatch.Frequency / options.ClicksPerSecond;
        var firstVisit = Stopwatch.GetTimestamp();
        var origin = firstVisit;
        long sequence = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var due = origin + (long)(sequence * ticksPerVisit);
                var now = Stopwatch.GetTimestamp();
                if (due > now)
                {
                    await Task.Delay(Stopwatch.GetElapsedTime(now, due), time, stop);
                }
                else if (now - due > Stopwatch.Frequency)
                {
                    // More than a second behind (the system is slower than the target rate): start over from now rather
                    // than bursting to catch up.
                    origin = now - (long)(sequence * ticksPerVisit);
                }

                await slots.WaitAsync(stop);
                var plan = mix.Next(partners);
                var id = ++sequence;
                _counters.VisitStarted();
                var visit = VisitAsync(id, plan, abort);
                _visits[id] = visit;
                _ = visit.ContinueWith(
                    _ =>
                    {
                        _visits.TryRemove(id, out Task? _);
                        _counters.VisitEnded();
                        try
                        {
                            slots.Release();
                        }
                        catch (ObjectDisposedException)
                        {
                            // a visit that outlived the drain grace period
                        }
                    },
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }

        var trafficTime = Stopwatch.GetElapsedTime(firstVisit);

        // Visits under way finish (they hold slots of the semaphore, so wait for them before it goes away).
        if (_visits.IsEmpty)
        {
            return trafficTime;
        }

        await log.WriteLineAsync($"stopping: waiting for {_visits.Count} visits under way (Ctrl+C again to abort)…");
        try
        {
            await Task.WhenAll(_visits.Values).WaitAsync(DrainGrace, abort);
        }
        catch (TimeoutException)
        {
            await log.WriteLineAsync($"{_visits.Count} visits still under way after {DrainGrace.TotalSeconds:0} s; not waiting longer");
        }
        catch (OperationCanceledException)
        {
            await log.WriteLineAsync("aborted");
        }

        return trafficTime;
    }

    private async Task VisitAsync(long id, VisitPlan plan, CancellationToken abort)
    {
        await Task.Yield();
        try
        {
            var click = await client.FollowLinkAsync(plan.Partner.Code, plan.Utm, plan.Shopper, abort);
            if (!click.IsSuccess)
            {
                _errors.Report(ClickCall, $"/r/{plan.Partner.Code}: {click.Error}");
                return;
            }

            _latencies.Record(ClickCall, click.Latency);
            _counters.Click();
            if (!plan.Converts)
            {
                return;
            }

            await Task.Delay(plan.ThinkTime, time, abort);
            var order = new ConversionRequest($"sim-{_runId}-{id:D7}", click.ClickId, plan.Amount, Currency, time.GetUtcNow());
            var result = await client.PostAsync<ConversionResponse>(ConversionsPath, _storefrontKey, order, abort);
            if (result.Status != HttpStatusCode.Created || string.IsNullOrEmpty(result.Value?.ConversionId))
            {
                _errors.Report(OrderCall, $"order {order.OrderId}: expected 201 with a conversionId, got {result.Describe()}");
                return;
            }

            _latencies.Record(OrderCall, result.Latency);
            _counters.Order(order.Amount, result.Value.Attributed, result.Value.CommissionAmount);
            if (!plan.Replays)
            {
                return;
            }

            await Task.Delay(plan.ReplayDelay, time, abort);
            var replay = await client.PostAsync<ConversionResponse>(ConversionsPath, _storefrontKey, order, abort);
            if (replay.Error is not null || (int)replay.Status is >= 500 or 0)
            {
                _errors.Report(ReplayCall, $"order {order.OrderId}: {replay.Describe()}");
                return;
            }

            _latencies.Record(ReplayCall, replay.Latency);
            if (replay.Status != HttpStatusCode.OK
                || !string.Equals(replay.Value?.ConversionId, result.Value.ConversionId, StringComparison.OrdinalIgnoreCase))
            {
                _errors.Report("idempotency",
                    $"replaying order {order.OrderId}: expected 200 with conversionId {result.Value.ConversionId}, got "
                    + $"{(int)replay.Status} with conversionId {replay.Value?.ConversionId ?? "none"}");
                return;
            }

            _counters.Replay();
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
        }
    }

    private async Task WriteStatusLinesAsync(long started, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(StatusInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await log.WriteLineAsync(StatusLine(Stopwatch.GetElapsedTime(started)));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private string StatusLine(TimeSpan elapsed)
    {
        var line = new StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"[{elapsed.TotalSeconds,5:0}s] clicks {_counters.Clicks} ")
            .Append(CultureInfo.InvariantCulture, $"({_counters.Clicks / Math.Max(elapsed.TotalSeconds, 0.001):0.0}/s) · ")
            .Append(CultureInfo.InvariantCulture, $"orders {_counters.Orders} · replays {_counters.Replays} · errors {_errors.Total} · ")
            .Append(CultureInfo.InvariantCulture, $"429s {client.ThrottledResponses} · in flight {_counters.InFlight}");
        foreach (var (callType, summary) in _latencies.TakeInterval())
        {
            line.Append(CultureInfo.InvariantCulture, $" | {callType} p50 {MarkdownTable.Ms(summary.P50)} p95 {MarkdownTable.Ms(summary.P95)} ms");
        }

        return line.ToString();
    }

    private string Summary(int seed, TimeSpan elapsed)
    {
        var seconds = Math.Max(elapsed.TotalSeconds, 0.001);
        var money = (decimal value) => value.ToString("#,0.00", CultureInfo.InvariantCulture) + " " + Currency;
        var rate = (long count) => (count / seconds).ToString("0.0", CultureInfo.InvariantCulture) + "/s";
        var builder = new StringBuilder();
        builder.AppendLine()
            .AppendLine(CultureInfo.InvariantCulture,
                $"### Storefront simulation {time.GetUtcNow():yyyy-MM-dd HH:mm} UTC, {seconds:0.#} s against {options.Gateway}")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture,
                $"Target {options.ClicksPerSecond} clicks/s, conversion rate {options.ConversionRate}, replay rate {options.ReplayRate}, "
                + $"{options.Partners} partners, seed {seed}.")
            .AppendLine();

        IReadOnlyList<string>[] totals =
        [
            ["clicks", $"{_counters.Clicks} ({rate(_counters.Clicks)})"],
            ["orders", $"{_counters.Orders} ({rate(_counters.Orders)}), {_counters.Attributed} attributed"],
            ["revenue", money(_counters.Revenue)],
            ["commission", money(_counters.Commission)],
            ["idempotent replays (200, same conversionId)", _counters.Replays.ToString(CultureInfo.InvariantCulture)],
            ["errors", _errors.Total == 0
                ? "0"
                : $"{_errors.Total} ({string.Join(", ", _errors.ByKind.Select(pair => $"{pair.Key}: {pair.Value}"))})"],
            ["429 answers (waited out, retried)", client.ThrottledResponses.ToString(CultureInfo.InvariantCulture)],
        ];
        builder.Append(MarkdownTable.Render(["total", "value"], totals)).AppendLine();

        var latencyRows = _latencies.Totals().Select(entry => (IReadOnlyList<string>)
        [
            entry.CallType,
            entry.Summary.Count.ToString(CultureInfo.InvariantCulture),
            MarkdownTable.Ms(entry.Summary.P50),
            MarkdownTable.Ms(entry.Summary.P95),
            MarkdownTable.Ms(entry.Summary.P99),
            MarkdownTable.Ms(entry.Summary.Max),
        ]);
        builder.Append(MarkdownTable.Render(["call", "count", "p50 (ms)", "p95 (ms)", "p99 (ms)", "max (ms)"], latencyRows,
            new HashSet<int> { 1, 2, 3, 4, 5 }));
        return builder.ToString();
    }
}
