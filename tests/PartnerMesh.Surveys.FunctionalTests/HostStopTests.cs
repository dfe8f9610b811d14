using Microsoft.Extensions.DependencyInjection;
using PartnerMesh.Redis;
using PartnerMesh.Surveys.Api.Definitions;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Surveys.FunctionalTests;

/// <summary>
/// Stopping the service never fails for Redis: the catalog refresher's subscription is let go quietly, whether Redis
/// answers the unsubscribe in time or the connection is already gone (a test class's cleanup failed on it under load).
/// </summary>
public sealed class HostStopTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Stop_AfterTheRedisConnectionClosed_StopsWithoutAnError()
    {
        var factory = new SurveysApiFactory();
        await factory.InitializeAsync();
        var subscriber = await factory.Services.GetRequiredService<RedisConnection>().GetSubscriberAsync(Ct);
        await Eventually.UntilAsync(() => Task.FromResult(subscriber.SubscribedEndpoint(SurveyCatalogRefresher.Channel) is not null),
            because: "the catalog refresher should subscribe to change notifications");

        // The link to Redis is gone before the host stops (as a dropped connection or an unsubscribe timing out would be).
        await subscriber.Multiplexer.DisposeAsync();

        var stop = await Record.ExceptionAsync(() => factory.DisposeAsync().AsTask());
        Assert.Null(stop);
    }
}
