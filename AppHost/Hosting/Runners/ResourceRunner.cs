namespace PartnerMesh.AppHost.Hosting.Runners;

/// <summary>Services every runner uses; one per application.</summary>
internal sealed class RunnerContext(
    DistributedApplicationBuilder builder,
    ResourceRegistry registry,
    ConsoleWriter console,
    Func<ContainerRuntime> containers,
    CancellationToken stopping)
{
    private readonly Lazy<ContainerRuntime> _containers = new(containers);

    public DistributedApplicationBuilder Builder { get; } = builder;

    public DistributedApplicationOptions Options => Builder.Options;

    public ResourceRegistry Registry { get; } = registry;

    public ConsoleWriter Console { get; } = console;

    public ContainerRuntime Containers => _containers.Value;

    public TimeProvider Time => Registry.TimeProvider;

    /// <summary>Cancelled when the application stops: no more restarts, health polls or waits.</summary>
    public CancellationToken Stopping { get; } = stopping;

    /// <summary>Set once the dashboard's OTLP receiver listens.</summary>
    public Uri? OtlpEndpoint { get; set; }

    public IReadOnlyDictionary<Resource, ResourceRunner> Runners { get; set; } = new Dictionary<Resource, ResourceRunner>();
}

/// <summary>A dependency failed, so this resource was not started.</summary>
internal sealed class DependencyFailedException(string dependency) : Exception($"dependency '{dependency}' failed")
{
    public string Dependency { get; } = dependency;
}

/// <summary>The resource failed and its state and report say why.</summary>
internal sealed class ResourceFailedException(string message) : Exception(message);

/// <summary>Drives one resource through its states: pending → starting/migrating → running → healthy.</summary>
internal abstract class ResourceRunner(Resource resource, RunnerContext context) : IDisposable
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Resource Resource { get; } = resource;

    protected RunnerContext Context { get; } = context;

    protected ResourceRegistry Registry => Context.Registry;

    /// <summary>Completes when the resource first became ready; faults when it failed (or a dependency did).</summary>
    public Task Ready => _ready.Task;

    /// <summary>Failure message with the output that explains it, for the startup report.</summary>
    public string? FailureReport { get; protected set; }

    /// <summary>Waits for the dependencies, then starts the resource; never throws.</summary>
    public async Task StartAsync()
    {
        try
        {
            await StartCoreAsync(Context.Stopping);
            _ready.TrySetResult();
        }
        catch (DependencyFailedException exception)
        {
            Registry.SetState(Resource.Name, ResourceState.Pending, $"not started: {exception.Dependency} failed");
            _ready.TrySetException(exception);
        }
        catch (OperationCanceledException) when (Context.Stopping.IsCancellationRequested)
        {
            _ready.TrySetCanceled(Context.Stopping);
        }
        catch (Exception exception)
        {
            if (exception is not ResourceFailedException)
            {
                Fail(exception.Message);
            }

            _ready.TrySetException(exception);
        }
    }

    public abstract Task StopAsync(CancellationToken cancellationToken);

    public abstract void Dispose();

    /// <summary>Starts a resource stopped on request (tests' failure scenarios) and waits until it is ready again.</summary>
    public abstract Task RestartAsync(CancellationToken cancellationToken);

    protected abstract Task StartCoreAsync(CancellationToken cancellationToken);

    protected async Task WaitForAsync(IEnumerable<Resource> dependencies, CancellationToken cancellationToken)
    {
        foreach (var dependency in dependencies)
        {
            try
            {
                await Context.Runners[dependency].Ready.WaitAsync(cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                throw new DependencyFailedException(dependency.Name);
            }
        }
    }

    /// <summary>Marks the resource failed; returns the exception to throw so the start ends here.</summary>
    protected Exception Fail(string message, IEnumerable<string>? output = null)
    {
        var lines = output?.ToList() ?? [];
        FailureReport = lines.Count == 0
            ? $"{Resource.Name}: {message}"
            : $"{Resource.Name}: {message}\n{string.Join('\n', lines.Select(line => "    " + line))}";
        Registry.SetState(Resource.Name, ResourceState.Failed, message);
        var exception = new ResourceFailedException(message);
        _ready.TrySetException(exception);
        return exception;
    }

    /// <summary>Polls <paramref name="probe"/> until it answers true; throws after <paramref name="timeout"/>.</summary>
    protected async Task PollUntilAsync(Func<CancellationToken, Task<bool>> probe, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        var deadline = Context.Time.GetUtcNow() + timeout;
        var delay = TimeSpan.FromMilliseconds(100);
        while (!await probe(cancellationToken))
        {
            if (Context.Time.GetUtcNow() > deadline)
            {
                throw new TimeoutException($"{what} did not answer within {timeout.TotalSeconds:0} s");
            }

            await Task.Delay(delay, Context.Time, cancellationToken);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 1.5, 1000));
        }
    }
}
