using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using PartnerMesh.Testing;
using StackExchange.Redis;
using Xunit;

namespace PartnerMesh.Redis.Tests;

/// <summary>The connection never makes a caller wait: before and without a server, commands fail at once and health degrades.</summary>
public sealed class RedisConnectionTests
{
    private const string Name = "redis";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Reachable_RunsCommands_AndIsHealthy()
    {
        var infrastructure = await TestInfrastructure.GetAsync();
        using var host = BuildHost(infrastructure.RedisConnectionString);
        var redis = host.Services.GetRequiredService<RedisConnection>();
        await redis.WhenFirstAttemptFinishedAsync(Ct);
        var key = $"redis-tests:{Guid.NewGuid():N}";

        await redis.GetDatabase().StringSetAsync(key, "value", TimeSpan.FromMinutes(1));

        Assert.True(redis.IsConnected);
        Assert.Equal("value", (string?)await redis.GetDatabase().StringGetAsync(key));
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(host)).Status);
    }

    [Fact]
    public async Task ServerThatNeverAnswers_WhileConnecting_CommandsFailAtOnce_AndHealthIsDegraded()
    {
        // Accepts the TCP connection and never speaks: the first connect attempt stays pending until its timeout.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        // A long connect timeout from the connection string keeps the attempt pending however slow this machine is.
        using var host = BuildHost($"127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port},connectTimeout=60000");
        var redis = host.Services.GetRequiredService<RedisConnection>();

        Assert.True(redis.IsConnecting);
        Assert.Throws<RedisConnectionException>(() => redis.GetDatabase());
        var health = await CheckAsync(host);
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Equal("Redis: connecting.", health.Description);
    }

    [Fact]
    public async Task Unreachable_AfterTheFirstAttempt_CommandsFailWithARedisException_AndHealthIsDegraded()
    {
        using var host = BuildHost($"127.0.0.1:{TestPorts.Closed}");
        var redis = host.Services.GetRequiredService<RedisConnection>();
        await redis.WhenFirstAttemptFinishedAsync(Ct);

        Assert.False(redis.IsConnected);
        await Assert.ThrowsAnyAsync<RedisException>(() => redis.GetDatabase().StringGetAsync("any"));
        var health = await CheckAsync(host);
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Equal("Redis: unreachable.", health.Description);
    }

    [Fact]
    public async Task StartingTheHost_StartsConnecting_WithoutAnyoneAskingForRedis()
    {
        using var server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        using var host = BuildHost($"127.0.0.1:{((IPEndPoint)server.LocalEndpoint).Port}");

        await host.StartAsync(Ct);
        using var accepted = await server.AcceptTcpClientAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.True(accepted.Connected);
        await host.StopAsync(Ct);
    }

    [Fact]
    public void MissingConnectionString_FailsAtStartup()
    {
        var builder = Host.CreateApplicationBuilder();

        Assert.Throws<InvalidOperationException>(() => builder.AddRedisConnection(Name));
    }

    private static IHost BuildHost(string connectionString)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration[$"ConnectionStrings:{Name}"] = connectionString;
        builder.AddRedisConnection(Name);
        return builder.Build();
    }

    private static async Task<HealthReportEntry> CheckAsync(IHost host) =>
        (await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct)).Entries[Name];
}
