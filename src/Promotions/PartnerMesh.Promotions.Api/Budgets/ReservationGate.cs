namespace PartnerMesh.Promotions.Api.Budgets;

/// <summary>
/// Bounds the reservations one instance runs at once. Reservations on the same budget serialise on its row lock anyway;
/// past a few in flight, more only hold more PostgreSQL connections (shared by every service) while they wait. Waiting
/// here instead keeps a burst of checkouts from exhausting the pool or the server's connection limit.
/// </summary>
public sealed class ReservationGate : IDisposable
{
    private readonly SemaphoreSlim _slots = new(Math.Max(4, Environment.ProcessorCount * 4));

    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        return new Slot(_slots);
    }

    public void Dispose() => _slots.Dispose();

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
