namespace PartnerMesh.AppHost.Hosting.Runners;

/// <summary>
/// Starts (or reuses) the container of an infrastructure resource, or attaches to the configured server, then waits
/// until it really answers: PostgreSQL <c>SELECT 1</c>, RabbitMQ AMQP port + management <c>/api/overview</c>, Redis <c>PING</c>.
/// </summary>
internal sealed class ContainerRunner(ContainerResource container, RunnerContext context, ResourceLog log)
    : ResourceRunner(container, context)
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan MonitorInterval = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private ManagedProcess? _logFollower;
    private bool _stopped;
    private Task? _monitor;

    protected override async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        await WaitForAsync(container.WaitsFor, cancellationToken);
        await StartContainerAsync(cancellationToken);
        _monitor ??= MonitorAsync();
    }

    public override async Task RestartAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            _stopped = false;
            await StartContainerAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public override void Dispose() => _gate.Dispose();

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            _stopped = true;
            if (!container.IsExternal)
            {
                Registry.SetState(container.Name, ResourceState.Stopped, "stopping");
                var result = await Context.Containers.StopAsync(container.ContainerName, cancellationToken);
                if (!result.Succeeded)
                {
                    log.Append($"stop failed: {result.Describe()}", isError: true);
                }
            }

            await StopLogFollowerAsync();
            Registry.SetState(container.Name, ResourceState.Stopped, container.IsExternal ? "detached" : "container stopped, volume kept");
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task StartContainerAsync(CancellationToken cancellationToken)
    {
        var started = Context.Time.GetUtcNow();
        string action;
        if (container.IsExternal)
        {
            Registry.SetState(container.Name, ResourceState.Starting, $"attaching to {container.DisplayAddress}");
            action = "attached";
        }
        else
        {
            Registry.SetState(container.Name, ResourceState.Starting, $"container {container.ContainerName}");
            var outcome = await Context.Containers.EnsureRunningAsync(container, cancellationToken);
            action = outcome switch
            {
                ContainerAction.Reused => "reused running container",
                ContainerAction.Started => "started existing container",
                ContainerAction.Created => "created container",
                _ => "re-created container (image or settings changed; volume kept)",
            };
            await StopLogFollowerAsync();
            _logFollower = Context.Containers.FollowLogs(
                container.ContainerName,
                started.ToUnixTimeSeconds() - 1,
                (line, isError) => log.Append(line, isError, echo: false),
                Context.Time);
            Registry.SetState(container.Name, ResourceState.Running, action);
        }

        try
        {
            await PollUntilAsync(ProbeAsync, ReadyTimeout, container.DisplayAddress, cancellationToken);
        }
        catch (ReadinessException exception)
        {
            throw Fail(exception.Message);
        }
        catch (TimeoutException exception)
        {
            var tail = container.IsExternal ? "" : await Context.Containers.TailLogsAsync(container.ContainerName, 30, CancellationToken.None);
            throw Fail(exception.Message, tail.Split('\n'));
        }

        var seconds = (Context.Time.GetUtcNow() - started).TotalSeconds;
        Registry.SetState(container.Name, ResourceState.Healthy, $"{action}, ready in {seconds:0.0} s");
    }

    private async Task<bool> ProbeAsync(CancellationToken cancellationToken)
    {
        switch (container)
        {
            case PostgresServerResource postgres:
                return await Readiness.PostgresAsync(postgres.GetConnectionString(), CredentialHint(), cancellationToken);
            case RabbitMQServerResource rabbit:
                var amqp = new Uri(rabbit.GetConnectionString());
                if (!await Readiness.TcpAsync(amqp.Host, amqp.Port, cancellationToken))
                {
                    return false;
                }

                if (rabbit.ManagementUrl is not { } management)
                {
                    return true;
                }

                var userInfo = amqp.UserInfo.Split(':', 2);
                return await Readiness.RabbitMQManagementAsync(
                    management,
                    Uri.UnescapeDataString(userInfo[0]),
                    userInfo.Length > 1 ? Uri.UnescapeDataString(userInfo[1]) : "",
                    CredentialHint(),
                    cancellationToken);
            case RedisResource redis:
                return await Readiness.RedisAsync(redis.GetConnectionString(), cancellationToken);
            default:
                return true;
        }
    }

    private string CredentialHint()
    {
        if (container.IsExternal)
        {
            return $"Check ConnectionStrings__{container.Name}.";
        }

        var volume = container.Volumes.FirstOrDefault()?.Source ?? "(none)";
        var cli = Context.Containers.Cli;
        return $"The data volume {volume} was initialised with a password other than the one in {Context.Builder.SecretsFile}. " +
               $"Restore that file, or delete the volume and its data: {cli} rm -f {container.ContainerName} && {cli} volume rm {volume}";
    }

    /// <summary>Keeps the state honest after startup: healthy while the probe answers, unhealthy when it stops answering.</summary>
    private async Task MonitorAsync()
    {
        try
        {
            while (!Context.Stopping.IsCancellationRequested)
            {
                await Task.Delay(MonitorInterval, Context.Time, Context.Stopping);
                if (_stopped || !_gate.Wait(0))
                {
                    continue;
                }

                try
                {
                    var state = Registry.Get(container.Name).State;
                    if (state is not (ResourceState.Healthy or ResourceState.Unhealthy))
                    {
                        continue;
                    }

                    bool healthy;
                    try
                    {
                        healthy = await ProbeAsync(Context.Stopping);
                    }
                    catch (ReadinessException)
                    {
                        healthy = false;
                    }

                    if (healthy != (state == ResourceState.Healthy))
                    {
                        Registry.SetState(container.Name, healthy ? ResourceState.Healthy : ResourceState.Unhealthy,
                            healthy ? "answering again" : "not answering");
                    }
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // application stopping
        }
    }

    private async Task StopLogFollowerAsync()
    {
        if (_logFollower is { } follower)
        {
            _logFollower = null;
            await follower.StopAsync(TimeSpan.FromSeconds(2));
        }
    }
}
