using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace PartnerMesh.Messaging;

/// <summary>
/// Refreshes the error- and skipped-queue gauges (<see cref="ErrorQueueMetrics"/>) of this service's receive endpoints
/// every <see cref="ErrorQueueOptions.Interval"/>: a passive queue declare per queue, whose answer carries the queue's
/// message count, on a small connection of its own (same broker and credentials as the bus, no management plugin).
/// MassTransit creates <c>_error</c>/<c>_skipped</c> queues only when it first moves a message there, so a missing queue
/// (404, which closes the channel) is a depth of 0. While the broker cannot be reached the last values are kept; the
/// bus and its health check already report the outage, so this warns once and otherwise logs at Debug.
/// </summary>
internal sealed partial class ErrorQueueDepthReporter(
    Uri brokerUri,
    ReceiveEndpointQueues queues,
    ErrorQueueMetrics metrics,
    IOptions<ErrorQueueOptions> options,
    IHostEnvironment environment,
    TimeProvider timeProvider,
    ILogger<ErrorQueueDepthReporter> logger) : BackgroundService
{
    private static readonly TimeSpan BrokerTimeout = TimeSpan.FromSeconds(5);

    private IConnection? _connection;
    private IChannel? _channel;
    private bool _failing;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, timeProvider);
        try
        {
            do
            {
                await RefreshAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await CloseAsync();
        }
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        // Read each time: MassTransit configures the endpoints when the bus starts, which may be after this service.
        var names = queues.Names;
        if (names.Count == 0)
        {
            return;
        }

        try
        {
            foreach (var queue in names)
            {
                var errorQueue = queue + "_error";
                metrics.ReportErrorQueue(errorQueue, await DepthAsync(errorQueue, cancellationToken));
                var skippedQueue = queue + "_skipped";
                metrics.ReportSkippedQueue(skippedQueue, await DepthAsync(skippedQueue, cancellationToken));
            }

            if (_failing)
            {
                _failing = false;
                LogRecovered(logger);
            }
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            if (_failing)
            {
                LogStillFailing(logger, exception);
            }
            else
            {
                _failing = true;
                LogFailed(logger, brokerUri.Host, exception);
            }

            await CloseAsync();
        }
    }

    private async Task<long> DepthAsync(string queue, CancellationToken cancellationToken)
    {
        var channel = await ChannelAsync(cancellationToken);
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue, cancellationToken)).MessageCount;
        }
        catch (OperationInterruptedException exception) when (exception.ShutdownReason?.ReplyCode == Constants.NotFound)
        {
            // The broker closed the channel with the 404; the next queue gets a new one.
            await CloseChannelAsync();
            return 0;
        }
    }

    private async Task<IChannel> ChannelAsync(CancellationToken cancellationToken)
    {
        if (_channel is { IsOpen: true })
        {
            return _channel;
        }

        await CloseChannelAsync();
        if (_connection is not { IsOpen: true })
        {
            await CloseConnectionAsync();
            var factory = new ConnectionFactory
            {
                Uri = brokerUri,
                // Reconnecting on the next refresh is all this needs; MassTransit's own connection recovers the bus.
                AutomaticRecoveryEnabled = false,
                TopologyRecoveryEnabled = false,
                RequestedConnectionTimeout = BrokerTimeout,
                HandshakeContinuationTimeout = BrokerTimeout,
                ContinuationTimeout = BrokerTimeout,
            };
            _connection = await factory.CreateConnectionAsync($"{environment.ApplicationName} error-queue depths", cancellationToken);
        }

        return _channel = await _connection.CreateChannelAsync(cancellationToken: cancellationToken);
    }

    private async Task CloseAsync()
    {
        await CloseChannelAsync();
        await CloseConnectionAsync();
    }

    private async Task CloseChannelAsync()
    {
        var channel = _channel;
        _channel = null;
        if (channel is not null)
        {
            await CloseQuietlyAsync(channel.IsOpen ? cancellation => channel.CloseAsync(cancellation) : null, channel);
        }
    }

    private async Task CloseConnectionAsync()
    {
        var connection = _connection;
        _connection = null;
        if (connection is not null)
        {
            await CloseQuietlyAsync(connection.IsOpen ? cancellation => connection.CloseAsync(cancellation) : null, connection);
        }
    }

    private async Task CloseQuietlyAsync(Func<CancellationToken, Task>? close, IAsyncDisposable disposable)
    {
        try
        {
            if (close is not null)
            {
                using var timeout = new CancellationTokenSource(BrokerTimeout);
                await close(timeout.Token);
            }

            await disposable.DisposeAsync();
        }
        catch (Exception exception)
        {
            LogCloseFailed(logger, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Reading the error-queue depths from RabbitMQ at {BrokerHost} failed; the gauges keep their last values until it answers again")]
    private static partial void LogFailed(ILogger logger, string brokerHost, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reading the error-queue depths from RabbitMQ still fails")]
    private static partial void LogStillFailing(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reading the error-queue depths from RabbitMQ works again")]
    private static partial void LogRecovered(ILogger logger);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Closing the error-queue depth connection failed")]
    private static partial void LogCloseFailed(ILogger logger, Exception exception);
}
