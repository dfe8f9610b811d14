using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using PartnerMesh.Gateway.Diagnostics;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Gateway.FunctionalTests;

public sealed class TelemetryTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private const string Requests = "partnermesh.gateway.requests";
    private const string AuthFailures = "partnermesh.gateway.auth.failures";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Requests_AreCountedByRouteAndOutcome()
    {
        var client = await factory.CreateStorefrontClientAsync();
        using var metrics = new MeasurementRecorder(factory.Services, GatewayMetrics.MeterName);

        await client.GetAsync("/api/coupons/x", Ct);
        await factory.CreateAnonymousClient().GetAsync("/api/coupons/x", Ct);
        await factory.CreateAnonymousClient().GetAsync("/no/such/route", Ct);

        Assert.Equal(
            ["coupons success 200", "coupons unauthorized 401", "unmatched not_found 404"], metrics.For(Requests).Select(RouteOutcomeStatus));
        Assert.Equal(3, metrics.Sum(Requests));
        Assert.Equal(["missing"], metrics.For(AuthFailures).Select(m => m.Tags["reason"] as string));
        Assert.Equal(1, metrics.Sum(AuthFailures));
    }

    [Fact]
    public async Task Forbidden_IsCountedAsAuthFailure()
    {
        var client = await factory.CreateStorefrontClientAsync();
        using var metrics = new MeasurementRecorder(factory.Services, GatewayMetrics.MeterName);

        var response = await client.GetAsync("/api/gateway/keys", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(["insufficient_scope"], metrics.For(AuthFailures).Select(m => m.Tags["reason"] as string));
        Assert.Equal(1, metrics.Sum(AuthFailures));
        Assert.Equal(["gateway-keys forbidden 403"], metrics.For(Requests).Select(RouteOutcomeStatus));
        Assert.Equal(1, metrics.Sum(Requests));
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

        // The hosting activity stops after the response has been handed to the client, so it can arrive a moment later.
        await Eventually.UntilAsync(() => Task.FromResult(!tagged.IsEmpty), TimeSpan.FromSeconds(10), "the request activity carrying the request id");
        Assert.Single(tagged);
    }

    private static string RouteOutcomeStatus(RecordedMeasurement request) =>
        $"{request.Tags["route"]} {request.Tags["outcome"]} {request.Tags["http.response.status_code"]}";
}
