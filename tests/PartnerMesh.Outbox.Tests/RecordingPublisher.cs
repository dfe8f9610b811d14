using System.Collections.Concurrent;

namespace PartnerMesh.Outbox.Tests;

/// <summary>Stands in for the broker: records every publish; can be slowed down or made to fail.</summary>
public sealed class RecordingPublisher : IOutboxPublisher
{
    public ConcurrentQueue<(Guid MessageId, object Message)> Published { get; } = new();

    private int _inFlight;
    private int _maxInFlight;

    public TimeSpan Delay { get; set; }

    /// <summary>The most publishes that were awaiting at the same moment.</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public Func<Guid, Exception?> FailWith { get; set; } = _ => null;

    public async Task PublishAsync(Guid messageId, object message, Type messageType, CancellationToken cancellationToken)
    {
        var inFlight = Interlocked.Increment(ref _inFlight);
        try
        {
            int max;
            while (inFlight > (max = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, inFlight, max) != max)
            {
            }

            if (Delay > TimeSpan.Zero)
            {
                await Task.Delay(Delay, cancellationToken);
            }

            if (FailWith(messageId) is { } exception)
            {
                throw exception;
            }

            Published.Enqueue((messageId, message));
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
