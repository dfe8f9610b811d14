using System.Net;
using Aspire.Hosting.ApplicationModel;
using Xunit;

namespace PartnerMesh.EndToEndTests;

/// <summary>Stops and kills services, so it runs alone, after the other tests.</summary>
[CollectionDefinition(DisableParallelization = true)]
public sealed class DisruptiveTests;

/// <summary>Nothing lost when a consumer or the broker is down; the dashboard's commands stop, start and restart resources.</summary>
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

        await system.StopResourceAsync("analytics-api", Ct);
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
            await system.StartResourceAsync("analytics-api", Ct);
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

        // The dashboard's Stop command on the RabbitMQ container; its data volume keeps the queues for the restart.
        await system.StopResourceAsync("messaging", Ct);
        try
        {
            // Attribution commits the conversion and its event in one transaction; the relay keeps retrying.
            var response = await _journeys.ReportOrderAsync($"order-{Guid.NewGuid():N}", clickId, 64m);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
        finally
        {
            await system.StartResourceAsync("messaging", Ct);
        }

        var kpis = await _journeys.WaitForKpisAsync(partner.Id, totals => totals.Orders == 1, TimeSpan.FromSeconds(120));
        Assert.Equal(64m, kpis.Totals.SalesIn("EUR")?.Revenue);
        Assert.Equal(1, kpis.Totals.Clicks);
    }

    [Fact]
    public async Task RestartCommand_BringsTheServiceBackHealthy()
    {
        var result = await system.Commands.ExecuteCommandAsync("surveys-api", KnownResourceCommands.RestartCommand, Ct);

        Assert.True(result.Success, result.Message);
        await system.App.ResourceNotifications.WaitForResourceHealthyAsync("surveys-api", Ct);
        using var http = new HttpClient { BaseAddress = system.GetServiceUrl("surveys-api") };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health", Ct)).StatusCode);
    }

    [Fact]
    public async Task RedriveCommand_ReportsWhatItQueuedAgain()
    {
        var result = await system.Commands.ExecuteCommandAsync("coupons-api", "redrive-parked-outbox", Ct);

        Assert.True(result.Success, result.Message);
        Assert.Equal("0 parked outbox row(s) of couponsdb queued for publishing again.", result.Message);
    }
}
