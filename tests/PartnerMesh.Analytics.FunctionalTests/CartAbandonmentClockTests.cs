using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.Contracts.Analytics;
using PartnerMesh.Outbox;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>Analytics on a fake clock: a 30-minute idle time, carts swept on every pass of the aggregator.</summary>
public sealed class FakeClockApiFactory : ServiceFactory<Program, AnalyticsDbContext>
{
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero));

    protected override string DatabaseResourceName => ResourceNames.AnalyticsDb;

    protected override string ServiceName => ResourceNames.AnalyticsApi;

    protected override void ConfigureTestSettings(IDictionary<string, string?> settings)
    {
        settings["Analytics:CartAbandonment:IdleTime"] = "00:30:00";
        settings["Analytics:CartAbandonment:SweepInterval"] = "00:00:00";
        settings["Analytics:AggregationPollInterval"] = "00:00:00.050";
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}

public class CartAbandonmentClockTests(FakeClockApiFactory factory) : IClassFixture<FakeClockApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Cart_IsAbandonedOnlyOnceItWasIdleForTheIdleTime()
    {
        var start = factory.Clock.GetUtcNow();
        var day = DateOnly.FromDateTime(start.UtcDateTime);
        var url = Behaviour.KpiUrl("campaign", "clock", day, day);
        var ingest = async (string cart) =>
        {
            var report = await factory.IngestAsync(
                [Behaviour.Event(EventTypes.AddToCart, factory.Clock.GetUtcNow(), "clock", cart: cart, amount: 10m)], Ct);
            Assert.Equal(1, report.Accepted);
        };
        await ingest("a");
        await factory.WaitForReportAsync(url, r => r.Totals.Count == 1 && r.Total().Carts == 1, Ct);

        // 29 minutes idle: two further passes of the aggregator (each ends with a sweep) abandon nothing.
        factory.Clock.Advance(TimeSpan.FromMinutes(29));
        await ingest("b");
        await factory.WaitForReportAsync(url, r => r.Total().Carts == 2, Ct);
        await ingest("c");
        var notYet = await factory.WaitForReportAsync(url, r => r.Total().Carts == 3, Ct);
        Assert.Equal(0, notYet.Total().AbandonedCarts);

        // 31 minutes: cart a (idle 31 min) is abandoned; b and c (idle 2 min) are not.
        factory.Clock.Advance(TimeSpan.FromMinutes(2));
        var abandoned = await factory.WaitForReportAsync(url, r => r.Total().AbandonedCarts >= 1, Ct);
        await ingest("d");
        var after = await factory.WaitForReportAsync(url, r => r.Total().Carts == 4, Ct);
        Assert.Equal((1L, 1L), (abandoned.Total().AbandonedCarts, after.Total().AbandonedCarts));
        Assert.Equal(0.25m, after.Total().CartAbandonmentRate);
    }

    [Fact]
    public async Task BackDatedCartActivity_IsIdleOnlyFromWhenTheServerReceivedIt_ButCountsOnItsClaimedHour()
    {
        var campaign = $"backdated-{Guid.NewGuid():N}";
        var received = factory.Clock.GetUtcNow();
        var claimed = received.AddHours(-2);
        var day = DateOnly.FromDateTime(received.UtcDateTime);
        var url = Behaviour.KpiUrl("campaign", campaign, day.AddDays(-1), day.AddDays(1));
        var cart = $"cart-{campaign}";
        var ingest = async (string cartId, DateTimeOffset at) => Assert.Equal(1, (await factory.IngestAsync(
            [Behaviour.Event(EventTypes.AddToCart, at, campaign, cart: cartId, amount: 25m, customer: $"c-{cartId}")], Ct)).Accepted);

        // Claims to be two hours old (idle time 30 min): the sweeps after the next two batches must not abandon it.
        await ingest(cart, claimed);
        await factory.WaitForReportAsync(url, r => r.Totals.Count == 1 && r.Total().Carts == 1, Ct);
        await ingest($"{cart}-2", factory.Clock.GetUtcNow());
        await factory.WaitForReportAsync(url, r => r.Total().Carts == 2, Ct);
        await ingest($"{cart}-3", factory.Clock.GetUtcNow());
        var notYet = await factory.WaitForReportAsync(url, r => r.Total().Carts == 3, Ct);
        Assert.Equal(0, notYet.Total().AbandonedCarts);
        Assert.Empty(await AbandonmentsPublishedAsync(cart));

        // Idle time passed since it was received: abandoned (and the coupon trigger published) now.
        factory.Clock.Advance(TimeSpan.FromMinutes(31));
        await factory.WaitForReportAsync(url, r => r.Total().AbandonedCarts == 3, Ct);
        var published = Assert.Single(await AbandonmentsPublishedAsync(cart));
        Assert.Equal(claimed, published.LastActivityAt);

        // The KPIs keep the storefront's time: the cart counts in the hour it claims.
        var hourly = await factory.ReportAsync(Behaviour.KpiUrl("campaign", campaign, day, day, "hour"), Ct);
        var claimedHour = claimed.UtcDateTime.ToString("yyyy-MM-dd'T'HH:00", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(1L, hourly.Rows.Single(row => row.Period == claimedHour).Kpis.Carts);
    }

    private Task<List<CartAbandoned>> AbandonmentsPublishedAsync(string cartId) =>
        factory.QueryDbAsync(async db => (await db.Set<OutboxMessage>().AsNoTracking()
                .Where(m => m.MessageUrn == "urn:message:partnermesh:analytics:cart-abandoned:v1").ToListAsync(Ct))
            .Select(m => JsonSerializer.Deserialize<CartAbandoned>(m.Payload, EventLog.Json)!)
            .Where(m => m.CartId == cartId)
            .ToList());
}
