using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace PartnerMesh.Redis;

public static class RedisSubscriptions
{
    /// <summary>
    /// Ends a pub/sub subscription when its reader stops, without ever failing the host's stop. Call it after the read
    /// loop, not from a callback of the stopping token: such a callback runs inside the host's stop, and a synchronous
    /// unsubscribe that timed out (1 s under load) or met a closed connection threw out of it.
    /// </summary>
    public static async Task UnsubscribeQuietlyAsync(this ChannelMessageQueue? queue, ILogger logger)
    {
        if (queue is null)
        {
            return;
        }

        try
        {
            await queue.UnsubscribeAsync(CommandFlags.FireAndForget);
        }
        catch (Exception exception) when (exception is RedisException or ObjectDisposedException)
        {
            logger.LogDebug(exception, "Unsubscribing from {Channel} failed; the connection goes with the host", queue.Channel);
        }
    }
}
