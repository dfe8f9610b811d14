using System.Collections.Concurrent;

namespace PartnerMesh.Messaging;

/// <summary>
/// The queues of the receive endpoints this service configured (one per consumer, named by the endpoint name
/// formatter), collected as MassTransit configures them, so the error-queue gauges follow the registered consumers.
/// </summary>
public sealed class ReceiveEndpointQueues
{
    private readonly ConcurrentDictionary<string, byte> _names = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Names => [.. _names.Keys.Order(StringComparer.Ordinal)];

    internal void Add(string queueName) => _names.TryAdd(queueName, 0);
}
