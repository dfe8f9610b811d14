using System.Net;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>
/// A storefront resending a batch while the first copy is still being stored (a timed-out request retried) sends the same
/// event ids again, possibly in another order. Every copy is answered (200, the ids the other copy stored as duplicates),
/// never a 5xx for two transactions inserting the same ids in different orders, and each id is counted once.
/// </summary>
public class OverlappingBatchTests(BehaviourApiFactory factory) : IClassFixture<BehaviourApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Storefront => factory.CreateClientWithScopes(PartnerMeshScopes.Storefront);

    [Fact]
    public async Task ConcurrentBatches_WithTheSameIdsInOtherOrders_AreAllAnswered200_AndEachIdIsCountedOnce()
    {
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        for (var trial = 0; trial < 4; trial++)
        {
            var campaign = $"overlap-{Guid.NewGuid():N}";
            var views = Enumerable.Range(0, 200)
                .Select(i => Behaviour.Event("page_view", at, campaign: campaign, session: $"{campaign}-s{i}"))
                .ToList();
            var shuffled = views.OrderBy(_ => Random.Shared.Next()).ToList();
            // An order in two of the copies: those batches also take the order's lock and read the counted orders.
            var order = Behaviour.Event("order_completed", at, campaign: campaign, session: $"{campaign}-s0", order: $"o-{campaign}", amount: 20m);
            IReadOnlyList<IReadOnlyList<Dictionary<string, object?>>> batches =
            [
                views, [.. Enumerable.Reverse(views)], [.. shuffled, order], [order, .. Enumerable.Reverse(shuffled)],
            ];

            var responses = await Task.WhenAll(batches.Select(batch => Storefront.PostAsync(batch, Ct)));

            var reports = new List<BatchReport>();
            foreach (var response in responses)
            {
                reports.Add(await response.ShouldBeAsync<BatchReport>(HttpStatusCode.OK));
            }

            Assert.Equal(201, reports.Sum(r => r.Accepted));
            var report = await factory.WaitForReportAsync(
                Behaviour.KpiUrl("campaign", campaign, DateOnly.FromDateTime(at.UtcDateTime.AddDays(-1)), DateOnly.FromDateTime(at.UtcDateTime.AddDays(1))),
                r => r.Totals.Count == 1 && r.Total().PageViews == 200 && r.Total().Orders == 1,
                Ct);
            Assert.Equal((200L, 200L, 1L), (report.Total().PageViews, report.Total().Sessions, report.Total().Orders));
        }
    }
}
