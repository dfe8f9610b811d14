using StackExchange.Redis;

namespace PartnerMesh.Gateway.RateLimiting;

/// <summary>
/// The gateway's Redis connection, opened on first use (the command-line steps never connect) and closed with the host.
/// It never aborts on a failed connect and fails commands fast while disconnected instead of queueing them, so an
/// outage costs a request no more than an exception.
/// </summary>
public sealed class RedisConnection(string connectionString) : IDisposable
{
    private readonly Lazy<ConnectionMultiplexer> _multiplexer = new(() =>
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        return ConnectionMultiplexer.Connect(options);
    });

    public IConnectionMultiplexer Multiplexer => _multiplexer.Value;

    public void Dispose()
    {
        if (_multiplexer.IsValueCreated)
        {
            _multiplexer.Value.Dispose();
        }
    }
}
