using System.Diagnostics;
using PartnerMesh.Analytics.Api;
using PartnerMesh.Analytics.Api.Aggregation;
using PartnerMesh.Analytics.Api.Ingestion;
using Xunit;

namespace PartnerMesh.Analytics.UnitTests;

/// <summary>
/// The projector's CPU cost per event on the benchmark's workload (page views over 100 partners, new and known
/// sessions), without a database. Explicit: a measurement, run with <c>-explicit only -class "*ProjectorCostProbe"</c>.
/// </summary>
public class ProjectorCostProbe
{
    [Fact(Explicit = true)]
    public void MeasureProjectionPerEvent()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var partners = Enumerable.Range(0, 100).Select(_ => Guid.NewGuid()).ToArray();
        var random = new Random(1);
        var at = new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);
        var events = Enumerable.Range(0, 2000).Select(_ => new AnalyticsEvent
        {
            Type = EventTypes.PageView, OccurredAt = at, VisitorId = "v", SessionId = $"s-{random.Next(10_000)}",
            PartnerId = partners[random.Next(partners.Length)], UtmCampaign = "probe",
        }).ToList();
        double best = double.MaxValue, first = 0;
        var rows = 0;
        long allocated = 0;
        for (var round = 0; round < 30; round++)
        {
            var state = new ProjectionState();
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            var started = Stopwatch.GetTimestamp();
            var projector = new KpiProjector(state, zone, new SegmentOptions(), at);
            foreach (var e in events)
            {
                projector.Apply(e, replayed: false);
            }

            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            first = round == 0 ? elapsed : first;
            best = Math.Min(best, elapsed);
            rows = state.Deltas.Count;
        }

        var line = $"projection of 2,000 page views: first {first:0.00} ms, best {best:0.00} ms ({best * 1000 / 2000:0.0} µs/event), {allocated / 2000} bytes allocated per event, {rows} counter rows; load {File.ReadAllText("/proc/loadavg").Trim()}";
        Console.WriteLine(line);
        TestContext.Current.SendDiagnosticMessage(line);
        Assert.True(rows > 0);
    }
}
