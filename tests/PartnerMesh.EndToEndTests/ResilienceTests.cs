using System.Net;
using PartnerMesh.AppHost.Hosting;
using Xunit;

namespace PartnerMesh.EndToEndTests;

/// <summary>Stops and kills services, so it runs alone, after the other tests.</summary>
[CollectionDefinition(DisableParallelization = true)]
public sealed class DisruptiveTests;

/// <summary>Nothing lost when a consumer is down; a crashed service comes back on its own.</summary>
[Collection(typeof(DisruptiveTests))]
public sealed class ResilienceTests(SystemFixture system)
{
    private readonly Journeys _journeys = new(system);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OrdersWhileAnalyticsIsDown_AreCountedOnceItIsBack()
    {
        var partner = await _journeys.CreatePartnerAsync();
        var link = await _journeys.CreateLinkAsync(partner.Id);
        var clickId = await _journeys.FollowLinkAsync(link.Code);

        await system.App.StopResourceAsync("analytics-api", Ct);
        try
        {
            var response = await _journeys.ReportOrderAsync($"order-{Guid.NewGuid():N}", clickId, 42m);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);

            using var admin = system.CreateAdminClient();
            var unavailable = await admin.GetAsync($"/api/analytics/partners/{partner.Id}/daily", Ct);
            await Testing.ProblemAssertions.ShouldBeProblemAsync(unavailable, HttpStatusCode.ServiceUnavailable);
            Assert.NotNull(unavailable.Headers.RetryAfter);
        }
        finally
        {
            await system.App.StartResourceAsync("analytics-api", Ct);
        }

        var kpis = await _journeys.WaitForKpisAsync(partner.Id, totals => totals.Orders == 1 && totals.Clicks == 1);
        Assert.Equal(42m, kpis.Totals.SalesIn("EUR")?.Revenue);
    }

    [Fact]
    public async Task OrdersWhileTheBrokerIsDown_AreCountedOnceItIsBack()
    {
        var partner = await _journeys.CreatePartnerAsync();
        var link = await _journeys.CreateLinkAsync(partner.Id);
        var clickId = await _journeys.FollowLinkAsync(link.Code);
        await _journeys.WaitForKpisAsync(partner.Id, totals => totals.Clicks == 1);

        await system.StopBrokerAsync();
        try
        {
            // Attribution commits the conversion and its event in one transaction; the relay keeps retrying.
            var response = await _journeys.ReportOrderAsync($"order-{Guid.NewGuid():N}", clickId, 64m);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
        finally
        {
            await system.StartBrokerAsync();
        }

        var kpis = await _journeys.WaitForKpisAsync(partner.Id, totals => totals.Orders == 1, TimeSpan.FromSeconds(120));
        Assert.Equal(64m, kpis.Totals.SalesIn("EUR")?.Revenue);
        Assert.Equal(1, kpis.Totals.Clicks);
    }

    [Fact]
    public async Task CrashedService_IsRestartedByTheAppHost()
    {
        var restartsBefore = system.App.GetResource("surveys-api").Restarts;

        system.App.KillResource("surveys-api");

        await Testing.Eventually.UntilAsync(
            () => Task.FromResult(system.App.GetResource("surveys-api") is { State: ResourceState.Healthy } surveys && surveys.Restarts > restartsBefore),
            TimeSpan.FromSeconds(60), because: "the AppHost restarts a crashed service");
        using var http = new HttpClient { BaseAddress = system.App.GetServiceUrl("surveys-api") };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health", Ct)).StatusCode);
    }
}
