using StackExchange.Redis;

namespace PartnerMesh.Redis;

/// <summary>
/// A Redis connection for a service that can work without Redis (a cache, fail-open counters). Connecting starts when
/// the connection is first resolved and never blocks a caller: until the first connect has finished, and whenever the
/// server is unreachable, <see cref="GetDatabase"/> and every command fail at once with a <see cref="RedisException"/>,
/// which callers already treat as "Redis is unavailable". The multiplexer keeps reconnecting in the background.
/// </summary>
public sealed class RedisConnection : IDisposable, IAsyncDisposable
{
    private readonly Task<ConnectionMultiplexer> _connecting;

    public RedisConnection(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        // Without a connection, fail commands now instead of queueing them for the full timeout.
        options.BacklogPolicy = BacklogPolicy.FailFast;
        // Short timeouts unless the connection string sets its own: a slow Redis must not slow the requests it only speeds up.
        if (!Sets(connectionString, "connectTimeout"))
        {
            options.ConnectTimeout = 2_000;
        }

        if (!Sets(connectionString, "asyncTimeout"))
        {
            options.AsyncTimeout = 1_000;
        }

        if (!Sets(connectionString, "syncTimeout"))
        {
            options.SyncTimeout = 1_000;
        }

        _connecting = ConnectionMultiplexer.ConnectAsync(options);
    }

    /// <summary>True until the first connection attempt has finished (successfully or not).</summary>
    public bool IsConnecting => !_connecting.IsCompleted;

    /// <summary>Whether a connection to the server is open now.</summary>
    public bool IsConnected => _connecting.IsCompletedSuccessfully && _connecting.Result.IsConnected;

    /// <exception cref="RedisConnectionException">While the first connection attempt is still running.</exception>
    public IDatabase GetDatabase() =>
        _connecting.IsCompletedSuccessfully
            ? _connecting.Result.GetDatabase()
            : throw new RedisConnectionException(
                ConnectionFailureType.UnableToConnect, CommandFlags.None, "Redis: the first connection attempt has not finished.", null, CommandStatus.WaitingToBeSent);

    /// <summary>Pub/sub on this connection, once the first connection attempt has finished (subscriptions survive reconnects).</summary>
    public async Task<ISubscriber> GetSubscriberAsync(CancellationToken cancellationToken = default) =>
        (await _connecting.WaitAsync(cancellationToken)).GetSubscriber();

    /// <summary>Waits for the first connection attempt (for tests and shutdown; request paths use <see cref="GetDatabase"/>).</summary>
    public async Task WhenFirstAttemptFinishedAsync(CancellationToken cancellationToken = default) =>
        await _connecting.WaitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_connecting.IsCompletedSuccessfully)
        {
            await _connecting.Result.DisposeAsync();
            return;
        }

        DisposeWhenConnected();
    }

    public void Dispose()
    {
        if (_connecting.IsCompletedSuccessfully)
        {
            _connecting.Result.Dispose();
            return;
        }

        DisposeWhenConnected();
    }

    private static bool Sets(string connectionString, string option) =>
        connectionString.Split(',').Any(part => part.Split('=', 2)[0].Trim().Equals(option, StringComparison.OrdinalIgnoreCase));

    /// <summary>Still connecting: close the multiplexer once the attempt ends rather than leave it running.</summary>
    private void DisposeWhenConnected() =>
        _connecting.ContinueWith(
            connecting => connecting.Result.Dispose(),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnRanToCompletion,
            TaskScheduler.Default);
}
