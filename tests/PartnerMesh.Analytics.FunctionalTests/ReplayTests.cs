using System.Net;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using PartnerMesh.Analytics.Api.Aggregation;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.Analytics.Api.Reporting;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>
/// A replay request is queued and answered at once (marking millions of logged events takes longer than a request may
/// wait); the aggregation worker starts it under the aggregation lock, and the status endpoint follows it to the end.
/// </summary>
public class ReplayTests(BehaviourApiFactory factory) : IClassFixture<BehaviourApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Admin => factory.CreateClientWithScopes(PartnerMeshScopes.Admin);

    [Fact]
    public async Task ReplayWhileTheAggregatorIsBusy_IsQueuedAtOnce_JoinedByTheNextRequest_AndRebuildsTheSameKpis()
    {
        var campaign = $"replay-{Guid.NewGuid():N}";
        var day = DateOnly.FromDateTime(DateTime.UtcNow);
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        await factory.IngestAsync(
            [
                Behaviour.Event(EventTypes.PageView, at, campaign, session: $"s1-{campaign}"),
                Behaviour.Event(EventTypes.PageView, at.AddSeconds(1), campaign, session: $"s2-{campaign}"),
                Behaviour.Event(EventTypes.AddToCart, at.AddSeconds(2), campaign, session: $"s2-{campaign}", cart: $"c-{campaign}", amount: 12.5m),
            ],
            Ct);
        var url = Behaviour.KpiUrl("campaign", campaign, day.AddDays(-1), day.AddDays(1));
        var before = await factory.WaitForReportAsync(url, r => r.Totals.Count == 1 && r.Total().AddToCarts == 1, Ct);
        var logged = await factory.QueryDbAsync(db => db.RawEvents.LongCountAsync(Ct));

        ReplayStatus first;
        await using (var busy = new NpgsqlConnection(factory.DatabaseConnectionString))
        {
            // Hold the aggregation lock, as a long batch on another instance would.
            await busy.OpenAsync(Ct);
            await using var transaction = await busy.BeginTransactionAsync(Ct);
            await using (var command = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({Aggregator.LockKey})", busy, transaction))
            {
                await command.ExecuteNonQueryAsync(Ct);
            }

            using var answerSoon = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            answerSoon.CancelAfter(TimeSpan.FromSeconds(10));
            first = await (await Admin.PostAsync("/api/analytics/admin/replay", null, answerSoon.Token)).ShouldBeAsync<ReplayStatus>(HttpStatusCode.Accepted);
            var second = await (await Admin.PostAsync("/api/analytics/admin/replay", null, answerSoon.Token)).ShouldBeAsync<ReplayStatus>(HttpStatusCode.Accepted);
            var status = await (await Admin.GetAsync("/api/analytics/admin/status", Ct)).ShouldBeAsync<AggregationStatus>(HttpStatusCode.OK);

            Assert.Equal(("queued", (DateTimeOffset?)null, (long?)null), (first.State, first.StartedAt, first.EventsToReapply));
            Assert.Equal("api-key:test", first.RequestedBy);
            Assert.Equal(first.Id, second.Id);
            Assert.Equal(first.Id, status.LatestReplay?.Id);
            Assert.Equal(0, await factory.QueryDbAsync(db => db.RawEvents.CountAsync(raw => raw.AggregatedAt == null, Ct)));
            await transaction.RollbackAsync(Ct);
        }

        var done = await Eventually.GetAsync(async () =>
            await (await Admin.GetAsync("/api/analytics/admin/status", Ct)).ShouldBeAsync<AggregationStatus>(HttpStatusCode.OK) is
                { LatestReplay: { State: "completed" } replay } ? replay : null);
        Assert.Equal((first.Id, logged, 0L), (done.Id, done.EventsToReapply, done.EventsRemaining));
        Assert.NotNull(done.StartedAt);
        Assert.Equivalent(before.Totals, (await factory.ReportAsync(url, Ct)).Totals, strict: true);

        var next = await (await Admin.PostAsync("/api/analytics/admin/replay", null, Ct)).ShouldBeAsync<ReplayStatus>(HttpStatusCode.Accepted);
        Assert.NotEqual(first.Id, next.Id);
    }
}
