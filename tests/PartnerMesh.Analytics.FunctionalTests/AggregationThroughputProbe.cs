using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using PartnerMesh.Analytics.Api;
using PartnerMesh.Analytics.Api.Aggregation;
using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>
/// Where ingestion's and aggregation's time goes, in process against the real PostgreSQL: the benchmark's workload
/// (page views, 100 partners, sessions from a pool per poster) posted over HTTP by 4 posters in batches of 500, then
/// (the probe holds the aggregation lock meanwhile) and then the time until nothing is pending, the aggregator's time per stage (its stage histogram) and the parts of one
/// batch's ingestion (validation, durable insert) called directly. Explicit: a measurement, run on demand with
/// <c>-explicit only -class "*AggregationThroughputProbe"</c>; prints its figures and checks none lost or double-counted.
/// </summary>
public sealed class AggregationThroughputProbe(BehaviourApiFactory factory) : IClassFixture<BehaviourApiFactory>
{
    private const int Posters = 4;
    private const int BatchSize = 500;
    private static readonly int Events = int.TryParse(Environment.GetEnvironmentVariable("ANALYTICS_PROBE_EVENTS"), CultureInfo.InvariantCulture, out var events) ? events : 40_000;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Explicit = true)]
    public async Task MeasureIngestionAndAggregation()
    {
        // Warm up first (JIT tiers, connection pool, plan caches): a long-running service is measured, not a cold start.
        await RunAsync(Events / 4, null);

        var stages = new ConcurrentDictionary<string, (double Total, int Count)>(StringComparer.Ordinal);
        await RunAsync(Events, stages);
    }

    private async Task RunAsync(int total, ConcurrentDictionary<string, (double Total, int Count)>? stages)
    {
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (stages is not null && instrument.Name == AnalyticsMetrics.AggregationStageInstrument)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            var stage = (string)tags[0].Value!;
            stages!.AddOrUpdate(stage, (value, 1), (_, sum) => (sum.Total + value, sum.Count + 1));
        });
        listener.Start();

        var campaign = "probe-" + Guid.NewGuid().ToString("N")[..8];
        var partners = Enumerable.Range(0, 100).Select(_ => Guid.NewGuid()).ToArray();
        var at = DateTimeOffset.UtcNow.AddMinutes(-1);
        var client = factory.CreateClientWithScopes(PartnerMeshScopes.Storefront);
        var latencies = new ConcurrentBag<double>();
        long accepted = 0;

        // The probe holds the aggregation lock while posting, so ingestion and aggregation are measured apart.
        await using var connection = new NpgsqlConnection(factory.DatabaseConnectionString);
        await connection.OpenAsync(Ct);
        await using (var hold = new NpgsqlCommand($"SELECT pg_advisory_lock({Aggregator.LockKey})", connection))
        {
            await hold.ExecuteNonQueryAsync(Ct);
        }

        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, Posters).Select(async poster =>
        {
            var random = new Random(poster);
            for (var sent = 0; sent < total / Posters; sent += BatchSize)
            {
                var batch = Enumerable.Range(0, BatchSize).Select(_ => Behaviour.Event(
                    "page_view", at, campaign, session: $"s-{poster}-{random.Next(10_000)}", partner: partners[random.Next(partners.Length)],
                    visitor: $"v-{poster}-{random.Next(10_000)}")).ToList();
                var posted = Stopwatch.GetTimestamp();
                using var response = await client.PostAsync(batch, Ct);
                var report = await response.ShouldBeAsync<BatchReport>(HttpStatusCode.OK);
                latencies.Add(Stopwatch.GetElapsedTime(posted).TotalMilliseconds);
                Interlocked.Add(ref accepted, report.Accepted);
            }
        }));
        var ingestion = Stopwatch.GetElapsedTime(started);
        started = Stopwatch.GetTimestamp();
        await using (var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({Aggregator.LockKey})", connection))
        {
            await release.ExecuteNonQueryAsync(Ct);
        }

        await Eventually.UntilAsync(
            () => factory.QueryDbAsync(db => db.RawEvents.AnyAsync(raw => raw.AggregatedAt == null, Ct)).ContinueWith(t => !t.Result, Ct),
            TimeSpan.FromMinutes(5));
        var drained = Stopwatch.GetElapsedTime(started);

        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, TimeZoneInfo.FindSystemTimeZoneById(BehaviourApiFactory.TimeZone)).DateTime);
        var counted = (await factory.ReportAsync(Behaviour.KpiUrl("campaign", campaign, day, day), Ct)).Total().PageViews;

        listener.Dispose();
        Assert.Equal(accepted, counted);
        if (stages is null)
        {
            return;
        }

        var (validation, insert) = await MeasureIngestionPartsAsync(campaign, partners, at);

        var sorted = latencies.Order().ToList();
        var batches = stages.TryGetValue("commit", out var commits) ? commits.Count : 0;
        var lines = new List<string>
        {
            $"load average: {File.ReadAllText("/proc/loadavg").Trim()}",
            $"ingestion: {accepted} events in {ingestion.TotalSeconds:0.00} s = {accepted / ingestion.TotalSeconds:0} events/s; batch of {BatchSize} p50 {sorted[sorted.Count / 2]:0} ms, p99 {sorted[(int)(sorted.Count * 0.99)]:0} ms",
            $"ingestion parts per batch of {BatchSize} (direct, 10 batches): validation {validation:0.0} ms, durable insert {insert:0.0} ms",
            $"aggregation (alone, after the posts): drained in {drained.TotalSeconds:0.00} s = {accepted / drained.TotalSeconds:0} events/s; counted {counted} of {accepted}",
            $"aggregator: {batches} batches, {stages.Values.Sum(s => s.Total) / 1000:0.00} s busy = {accepted / Math.Max(0.001, stages.Values.Sum(s => s.Total) / 1000):0} events/s busy",
        };
        lines.AddRange(stages.OrderByDescending(s => s.Value.Total).Select(s =>
            $"  {s.Key,-9} total {s.Value.Total,8:0} ms, per batch {s.Value.Total / Math.Max(1, batches),7:0.0} ms"));
        foreach (var line in lines)
        {
            Console.WriteLine(line);
            TestContext.Current.SendDiagnosticMessage(line);
        }
    }

    /// <summary>Validation of a batch and its durable insert (new ids), each called directly, averaged over 10 batches.</summary>
    private async Task<(double Validation, double Insert)> MeasureIngestionPartsAsync(string campaign, Guid[] partners, DateTimeOffset at)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AnalyticsDbContext>();
        var validator = new BehaviourEventValidator(scope.ServiceProvider.GetRequiredService<IOptions<AnalyticsOptions>>().Value.Ingestion);
        var random = new Random(42);
        double validation = 0, insert = 0;
        const int rounds = 10;
        for (var round = 0; round < rounds; round++)
        {
            var elements = Enumerable.Range(0, BatchSize).Select(_ => JsonSerializer.SerializeToElement(Behaviour.Event(
                "page_view", at, campaign + "-parts", session: $"s-parts-{random.Next(10_000)}", partner: partners[random.Next(partners.Length)]))).ToList();
            var started = Stopwatch.GetTimestamp();
            var valid = elements.Select((element, index) => validator.Validate(index, element, DateTimeOffset.UtcNow))
                .Select(result => (result.EventId!, result.Event!)).ToList();
            validation += Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            started = Stopwatch.GetTimestamp();
            var inserted = await db.AppendAsync(EventSources.Storefront, valid, DateTimeOffset.UtcNow, Ct);
            insert += Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            Assert.Equal(BatchSize, inserted.Count);
        }

        return (validation / rounds, insert / rounds);
    }
}
