using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using PartnerMesh.Gateway.Diagnostics;
using Xunit;

namespace PartnerMesh.Gateway.FunctionalTests;

public sealed class TelemetryTests(GatewayFactory factory) : IClassFixture<GatewayFactory>, IDisposable
{
    private readonly MeterListener _meters = new();
    private readonly ConcurrentBag<(string Instrument, Dictionary<string, object?> Tags)> _measurements = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Requests_AreCountedByRouteAndOutcome()
    {
        StartListening();
        var client = await factory.CreateStorefrontClientAsync();

        await client.GetAsync("/api/coupons/x", Ct);
        await factory.CreateAnonymousClient().GetAsync("/api/coupons/x", Ct);
        await factory.CreateAnonymousClient().GetAsync("/no/such/route", Ct);

        Assert.Contains(_measurements, m => m.Instrument == "partnermesh.gateway.requests"
            && Equals(m.Tags["route"], "coupons") && Equals(m.Tags["outcome"], "success"));
        Assert.Contains(_measurements, m => m.Instrument == "partnermesh.gateway.requests"
            && Equals(m.Tags["route"], "coupons") && Equals(m.Tags["outcome"], "unauthorized"));
        Assert.Contains(_measurements, m => m.Instrument == "partnermesh.gateway.requests"
            && Equals(m.Tags["route"], "unmatched") && Equals(m.Tags["outcome"], "not_found"));
        Assert.Contains(_measurements, m => m.Instrument == "partnermesh.gateway.auth.failures" && Equals(m.Tags["reason"], "missing"));
    }

    [Fact]
    public async Task Forbidden_IsCountedAsAuthFailure()
    {
        StartListening();
        var client = await factory.CreateStorefrontClientAsync();

        var response = await client.GetAsync("/api/gateway/keys", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains(_measurements, m => m.Instrument == "partnermesh.gateway.auth.failures" && Equals(m.Tags["reason"], "insufficient_scope"));
    }

    [Fact]
    public async Task RequestId_IsTaggedOnTheRequestActivity()
    {
        var requestId = "activity-" + Guid.NewGuid().ToString("N");
        var tagged = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (Equals(activity.GetTagItem(RequestTrackingMiddleware.ActivityTag), requestId))
                {
                    tagged.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var client = factory.CreateAnonymousClient();
        client.DefaultRequestHeaders.Add(RequestTrackingMiddleware.HeaderName, requestId);

        await client.GetAsync("/r/tagged", Ct);

        Assert.NotEmpty(tagged);
    }

    public void Dispose() => _meters.Dispose();

    private void StartListening()
    {
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == GatewayMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
        {
            var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value;
            }

            _measurements.Add((instrument.Name, copy));
        });
        _meters.Start();
    }
}
