namespace PartnerMesh.Data;

/// <summary>
/// A one-shot step a service performs instead of serving when started with <see cref="Switch"/> (one of
/// <see cref="ServiceDefaults.HostCommands"/>). Register it as a singleton; <c>RunHostCommandIfRequestedAsync</c> runs it.
/// </summary>
public interface IHostCommand
{
    /// <summary>The command-line switch, e.g. <c>--redrive-parked-outbox</c>.</summary>
    string Switch { get; }

    /// <summary>Runs the step with a fresh scope's services and writes its answer, if any, to stdout.</summary>
    /// <returns>The process exit code.</returns>
    Task<int> RunAsync(IServiceProvider services, CancellationToken cancellationToken);
}
