using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace PartnerMesh.Attribution.FunctionalTests;

/// <summary>
/// Watches the service's bus: <see cref="WaitForAsync"/> completes once a consumer finished with a message (by message
/// id), whether it changed anything or not, so a test can deliver events in a chosen order.
/// </summary>
public sealed class ConsumedEvents : IConsumeObserver, IDisposable
{
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource> _consumed = new();
    private readonly ConnectHandle _handle;

    public ConsumedEvents(IServiceProvider services) => _handle = services.GetRequiredService<IBus>().ConnectConsumeObserver(this);

    public Task WaitForAsync(Guid messageId) => Completion(messageId).Task.WaitAsync(TimeSpan.FromSeconds(30));

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        if (context.MessageId is { } id)
        {
            Completion(id).TrySetResult();
        }

        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;

    public void Dispose() => _handle.Disconnect();

    private TaskCompletionSource Completion(Guid messageId) =>
        _consumed.GetOrAdd(messageId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
