using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using Xunit;

namespace PartnerMesh.Redis.Tests;

public sealed class RedisOutageTests
{
    [Fact]
    public void ShouldWarn_FirstTimeThenOncePerInterval()
    {
        var clock = new FakeTimeProvider();
        var outage = new RedisOutage(clock);

        Assert.True(outage.ShouldWarn());
        Assert.False(outage.ShouldWarn());
        clock.Advance(RedisOutage.WarningInterval - TimeSpan.FromSeconds(1));
        Assert.False(outage.ShouldWarn());
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(outage.ShouldWarn());
        Assert.False(outage.ShouldWarn());
    }

    [Fact]
    public void ShouldWarn_ManyThreadsAtOnce_OnlyOneWarns()
    {
        var outage = new RedisOutage(new FakeTimeProvider());

        var warnings = Enumerable.Range(0, 64).AsParallel().Count(_ => outage.ShouldWarn());

        Assert.Equal(1, warnings);
    }

    [Fact]
    public void IsUnavailable_CoversConnectionFailuresAndTimeoutsOnly()
    {
        Assert.True(RedisOutage.IsUnavailable(new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None, "down", null, CommandStatus.WaitingToBeSent)));
        Assert.True(RedisOutage.IsUnavailable(new RedisTimeoutException(CommandFlags.None, "slow", CommandStatus.Sent)));
        Assert.False(RedisOutage.IsUnavailable(new InvalidOperationException("a bug")));
    }
}
