namespace PartnerMesh.AppHost.Hosting;

public enum ResourceState
{
    Pending,
    Starting,
    Migrating,
    Running,
    Healthy,
    Unhealthy,
    Restarting,
    Failed,
    Stopped,
}

public sealed record ResourceStateChange(ResourceState State, DateTimeOffset At, string? Detail);

public sealed record TelemetryCount(string Signal, long Requests, long Bytes, DateTimeOffset LastReceivedAt);

/// <summary>What the dashboard and tests see of one resource at one moment.</summary>
public sealed record ResourceSnapshot(
    string Name,
    string Kind,
    ResourceState State,
    DateTimeOffset StateChangedAt,
    string? Detail,
    Uri? Url,
    string? Address,
    int Restarts,
    int? ProcessId,
    IReadOnlyList<ResourceStateChange> History,
    IReadOnlyList<TelemetryCount> Telemetry)
{
    public bool IsReady => State is ResourceState.Healthy || (State is ResourceState.Running && Kind is "project" && Url is null);
}

/// <summary>Resource states with timestamps, console logs and telemetry counters, read by the dashboard and by tests.</summary>
public sealed class ResourceRegistry(TimeProvider timeProvider)
{
    private const int HistoryLength = 50;

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _order = [];
    private readonly Lock _lock = new();
    private readonly List<(Func<ResourceRegistry, bool> Condition, TaskCompletionSource Completion)> _waiters = [];

    /// <summary>Raised after every state change (on the thread that made it).</summary>
    public event Action<ResourceSnapshot>? StateChanged;

    public TimeProvider TimeProvider { get; } = timeProvider;

    public IReadOnlyList<ResourceSnapshot> GetAll()
    {
        lock (_lock)
        {
            return _order.Select(name => _entries[name].ToSnapshot()).ToList();
        }
    }

    public ResourceSnapshot Get(string name)
    {
        lock (_lock)
        {
            return _entries.TryGetValue(name, out var entry)
                ? entry.ToSnapshot()
                : throw new KeyNotFoundException($"No resource named '{name}'.");
        }
    }

    public bool Contains(string name)
    {
        lock (_lock)
        {
            return _entries.ContainsKey(name);
        }
    }

    public ResourceLog GetLog(string name)
    {
        lock (_lock)
        {
            return _entries.TryGetValue(name, out var entry) ? entry.Log : throw new KeyNotFoundException($"No resource named '{name}'.");
        }
    }

    /// <summary>Completes when <paramref name="condition"/> holds (checked now and after every change).</summary>
    public Task WaitForAsync(Func<ResourceRegistry, bool> condition, CancellationToken cancellationToken)
    {
        TaskCompletionSource completion;
        lock (_lock)
        {
            if (condition(this))
            {
                return Task.CompletedTask;
            }

            completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((condition, completion));
        }

        return completion.Task.WaitAsync(cancellationToken);
    }

    public Task WaitForStateAsync(string name, Func<ResourceState, bool> condition, CancellationToken cancellationToken) =>
        WaitForAsync(registry => condition(registry.Get(name).State), cancellationToken);

    internal void Register(Resource resource, Uri? url, string? address, ResourceLog log)
    {
        lock (_lock)
        {
            var entry = new Entry(resource.Name, resource.Kind, url, address, log, TimeProvider.GetUtcNow());
            _entries.Add(resource.Name, entry);
            _order.Add(resource.Name);
        }
    }

    internal void SetState(string name, ResourceState state, string? detail = null, int? processId = null)
    {
        ResourceSnapshot snapshot;
        lock (_lock)
        {
            var entry = _entries[name];
            var now = TimeProvider.GetUtcNow();
            if (entry.State != state || entry.Detail != detail)
            {
                entry.History.Add(new ResourceStateChange(state, now, detail));
                if (entry.History.Count > HistoryLength)
                {
                    entry.History.RemoveAt(0);
                }
            }

            if (entry.State != state)
            {
                entry.StateChangedAt = now;

                // Counted with the state change, under the same lock: nobody sees the new count next to the old state.
                if (state == ResourceState.Restarting)
                {
                    entry.Restarts++;
                }
            }

            entry.State = state;
            entry.Detail = detail;
            if (processId is not null || state is ResourceState.Stopped or ResourceState.Failed or ResourceState.Restarting)
            {
                entry.ProcessId = processId;
            }

            snapshot = entry.ToSnapshot();
        }

        StateChanged?.Invoke(snapshot);
        SignalWaiters();
    }

    internal void CountTelemetry(string name, string signal, long bytes)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(name, out var entry))
            {
                return;
            }

            entry.Telemetry.TryGetValue(signal, out var count);
            entry.Telemetry[signal] = new TelemetryCount(
                signal, (count?.Requests ?? 0) + 1, (count?.Bytes ?? 0) + bytes, TimeProvider.GetUtcNow());
        }
    }

    private void SignalWaiters()
    {
        List<TaskCompletionSource> ready = [];
        lock (_lock)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                var (condition, completion) = _waiters[i];
                if (completion.Task.IsCompleted || condition(this))
                {
                    ready.Add(completion);
                    _waiters.RemoveAt(i);
                }
            }
        }

        foreach (var completion in ready)
        {
            completion.TrySetResult();
        }
    }

    private sealed class Entry(string name, string kind, Uri? url, string? address, ResourceLog log, DateTimeOffset createdAt)
    {
        public ResourceState State { get; set; } = ResourceState.Pending;

        public DateTimeOffset StateChangedAt { get; set; } = createdAt;

        public string? Detail { get; set; }

        public int Restarts { get; set; }

        public int? ProcessId { get; set; }

        public List<ResourceStateChange> History { get; } = [new(ResourceState.Pending, createdAt, null)];

        public SortedDictionary<string, TelemetryCount> Telemetry { get; } = new(StringComparer.Ordinal);

        public ResourceLog Log { get; } = log;

        public ResourceSnapshot ToSnapshot() =>
            new(name, kind, State, StateChangedAt, Detail, url, address, Restarts, ProcessId, History.ToList(), Telemetry.Values.ToList());
    }
}
