using System.Net;
using System.Text.Json.Nodes;
using Npgsql;
using PartnerMesh.Coupons.Api.Checkout;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Coupons.FunctionalTests.CouponsTestClient;

namespace PartnerMesh.Coupons.FunctionalTests;

/// <summary>
/// A burst of checkout calls larger than the connection pool waits for the database in memory (<see cref="CheckoutGate"/>)
/// and is answered, never failed because no pooled connection came in time. The pool here is small (20) and waits briefly
/// for a connection (3 s, under the 4 s the counters stay locked), so what a loaded machine does to a burst of 1,000 on a
/// pool of 100 happens every run.
/// </summary>
public sealed class ConnectionPoolTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly CouponsApiFactory _factory = new() { ConnectionSettings = "Maximum Pool Size=20;Timeout=3" };

    public ValueTask InitializeAsync() => _factory.InitializeAsync();

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    [Fact]
    public async Task Cancel_ThreeTimesThePoolAtOnceWhileTheCountersAreLocked_AllAnsweredOnceTheLockGoes()
    {
        var admin = _factory.Admin();
        var storefront = _factory.Storefront();
        var (campaignId, code) = await admin.CampaignWithCodeAsync(new JsonObject { ["requireReservation"] = false });
        var orders = Enumerable.Range(0, 60).Select(index => $"pool-{index}").ToList();
        foreach (var redeemed in await Task.WhenAll(orders.Select(order => storefront.RedeemAsync(Redemption(code, order, null)))))
        {
            await redeemed.ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        }

        // Every cancellation gives its use back to the campaign's counter: held here, each waits on it for longer than the
        // pool waits for a connection, as calls do on a busy database.
        await using var blocker = new NpgsqlConnection(_factory.DatabaseConnectionString);
        await blocker.OpenAsync(Ct);
        await using var hold = await blocker.BeginTransactionAsync(Ct);
        await using (var lockRow = new NpgsqlCommand("SELECT uses FROM coupon_counters WHERE key = @key FOR UPDATE", blocker, hold))
        {
            lockRow.Parameters.AddWithValue("key", CounterClaim.CampaignKey(campaignId));
            await lockRow.ExecuteScalarAsync(Ct);
        }

        var cancellations = Task.WhenAll(orders.Select(order => storefront.PostAsync($"/api/coupons/redemptions/{order}/cancellation", null, Ct)));
        await Task.Delay(TimeSpan.FromSeconds(4), Ct);
        await hold.CommitAsync(Ct);
        var responses = await cancellations;

        Assert.True(responses.All(response => response.StatusCode == HttpStatusCode.OK), await responses.OutcomesAsync());
        var stats = await admin.StatsAsync(campaignId);
        Assert.Equal((0, 0, 60), (stats.Number("uses"), stats.Number("redeemed"), stats.Number("cancelled")));
    }
}
