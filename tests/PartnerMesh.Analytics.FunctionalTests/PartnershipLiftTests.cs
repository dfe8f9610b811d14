using System.Net;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.Analytics.Api.Scorecards;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>
/// The scorecard's before/after comparison: the conversion lift is after's rate minus before's from the exact ratios,
/// rounded once (docs/analytics.md, Scorecards) — not the difference of the rates as shown rounded.
/// </summary>
public class PartnershipLiftTests(BehaviourApiFactory factory) : IClassFixture<BehaviourApiFactory>
{
    private static readonly DateOnly Start = new(2019, 3, 10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ConversionLift_IsTheExactDifferenceRoundedOnce()
    {
        var partner = Guid.NewGuid();
        var id = Guid.NewGuid().ToString("N");
        var known = new DateTimeOffset(2019, 1, 2, 10, 0, 0, TimeSpan.Zero); // outside both windows: analytics knows the partner
        await factory.IngestAsync(
            [
                Behaviour.Event(EventTypes.PageView, known, session: "p-" + id, partner: partner),
                .. Sessions(Start.AddDays(-1), sessions: 6, converted: 1, id), // 1/6 = 0.1666…, shown 0.1667
                .. Sessions(Start, sessions: 3, converted: 1, id), // 1/3 = 0.3333…, shown 0.3333
            ],
            Ct);
        var admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);

        var comparison = await Eventually.GetAsync(async () =>
        {
            // 404 until the partner's page view is aggregated (analytics knows the partner from it).
            var response = await admin.GetAsync($"/api/analytics/partners/{partner}/scorecard?partnershipStart={Start:yyyy-MM-dd}&windowDays=1", Ct);
            return response.StatusCode != HttpStatusCode.NotFound
                && (await response.ShouldBeAsync<Scorecard>(HttpStatusCode.OK)).Comparison is { Before.Orders: 1, After.Orders: 1 } c ? c : null;
        });

        Assert.Equal((6L, 1L, 0.1667m), (comparison.Before.Sessions, comparison.Before.ConvertedSessions, comparison.Before.ConversionRate));
        Assert.Equal((3L, 1L, 0.3333m), (comparison.After.Sessions, comparison.After.ConvertedSessions, comparison.After.ConversionRate));
        Assert.Equal(0.1667m, comparison.ConversionLift); // 1/3 − 1/6 = 0.16666…; the rounded rates' difference would be 0.1666
        Assert.Null(comparison.CartRecoveryLift); // no abandoned carts: no recovery rate to compare
    }

    private static IEnumerable<object> Sessions(DateOnly day, int sessions, int converted, string id)
    {
        for (var i = 0; i < sessions; i++)
        {
            var at = new DateTimeOffset(day.ToDateTime(new TimeOnly(10, i)), TimeSpan.Zero); // 11:xx in Berlin: the same day
            var session = $"s-{day:MMdd}-{i}-{id}";
            yield return Behaviour.Event(EventTypes.PageView, at, session: session);
            if (i < converted)
            {
                yield return Behaviour.Event(EventTypes.OrderCompleted, at.AddSeconds(30), session: session, order: "o-" + session, amount: 5m);
            }
        }
    }
}
