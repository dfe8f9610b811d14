namespace PartnerMesh.StorefrontSimulator.Simulation;

/// <summary>Thread-safe totals of a traffic run.</summary>
public sealed class RunCounters
{
    private readonly Lock _moneyGate = new();
    private long _clicks;
    private long _orders;
    private long _attributed;
    private long _replays;
    private long _inFlight;
    private decimal _revenue;
    private decimal _commission;

    public long Clicks => Interlocked.Read(ref _clicks);

    public long Orders => Interlocked.Read(ref _orders);

    public long Attributed => Interlocked.Read(ref _attributed);

    /// <summary>Replays answered 200 with the original conversion id.</summary>
    public long Replays => Interlocked.Read(ref _replays);

    public long InFlight => Interlocked.Read(ref _inFlight);

    public decimal Revenue
    {
        get
        {
            lock (_moneyGate)
            {
                return _revenue;
            }
        }
    }

    public decimal Commission
    {
        get
        {
            lock (_moneyGate)
            {
                return _commission;
            }
        }
    }

    public void Click() => Interlocked.Increment(ref _clicks);

    public void Order(decimal amount, bool attributed, decimal? commission)
    {
        Interlocked.Increment(ref _orders);
        if (attributed)
        {
            Interlocked.Increment(ref _attributed);
        }

        lock (_moneyGate)
        {
            _revenue += amount;
            _commission += commission ?? 0m;
        }
    }

    public void Replay() => Interlocked.Increment(ref _replays);

    public void VisitStarted() => Interlocked.Increment(ref _inFlight);

    public void VisitEnded() => Interlocked.Decrement(ref _inFlight);
}
