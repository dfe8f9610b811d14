using PartnerMesh.Outbox;

namespace PartnerMesh.Testing;

/// <summary>
/// The inbox's duplicates counter of one host. A skipped redelivery leaves no row, and consumers run concurrently, so a
/// message sent after the redeliveries says nothing about whether they were handled: the counter does.
/// </summary>
public sealed class InboxDuplicates(IServiceProvider services) : IDisposable
{
    private readonly MeasurementRecorder _recorder = new(services, OutboxMetrics.MeterName, OutboxMetrics.DuplicatesInstrument);

    /// <summary>Waits until <paramref name="expected"/> redeliveries were skipped (by <paramref name="consumer"/>, or by any consumer).</summary>
    public Task WaitForAsync(int expected, string? consumer = null) =>
        Eventually.UntilAsync(
            () => Task.FromResult(Count(consumer) >= expected),
            because: $"{expected} redeliveries should reach the inbox as duplicates");

    public void Dispose() => _recorder.Dispose();

    private double Count(string? consumer) =>
        consumer is null ? _recorder.Sum() : _recorder.ValuesTagged("consumer", consumer).Sum();
}
