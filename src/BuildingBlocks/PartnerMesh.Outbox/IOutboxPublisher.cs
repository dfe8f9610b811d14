using MassTransit;

namespace PartnerMesh.Outbox;

/// <summary>The relay's view of the broker; the message id must be kept so consumers can deduplicate.</summary>
public interface IOutboxPublisher
{
    Task PublishAsync(Guid messageId, object message, Type messageType, CancellationToken cancellationToken);
}

public sealed class MassTransitOutboxPublisher(IBus bus) : IOutboxPublisher
{
    public Task PublishAsync(Guid messageId, object message, Type messageType, CancellationToken cancellationToken) =>
        bus.Publish(message, messageType, context => context.MessageId = messageId, cancellationToken);
}
