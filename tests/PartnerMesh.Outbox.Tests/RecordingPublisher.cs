using System.Collections.Concurrent;

namespace PartnerMesh.Outbox.Tests;

/// <summary>Stands in for the broker: records every publish; can be slowed down or made to fail.</summary>
public sealed class RecordingPublisher : IOutboxPublisher
{
    public ConcurrentQueue<(Guid MessageId, object Message)> Published { get; } = new();

    public TimeSpan Delay { get; set; }

    public Func<Guid, Exception?> FailWith { get; set; } = _ => null;

    public async Task PublishAsync(Guid messageId, object message, Type messageType, CancellationToken cancellationToken)
    {
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
}
