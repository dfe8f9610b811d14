using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.Analytics.Api.Ingestion;
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
}
