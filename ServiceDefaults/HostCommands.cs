namespace PartnerMesh.ServiceDefaults;

/// <summary>
/// The command line the AppHost speaks to the binaries it runs: one-shot steps a service performs instead of serving,
/// and the lines it answers with. Both sides use these constants, so neither can drift from the other.
/// </summary>
public static class HostCommands
{
    /// <summary>Applies the service's EF Core migrations, then exits (0 on success).</summary>
    public const string Migrate = "--migrate";

    /// <summary>Gateway: creates the first admin API key unless one exists.</summary>
    public const string BootstrapAdminKey = "--bootstrap-admin-key";

    /// <summary>Gateway: always creates another admin API key (optional name after the switch).</summary>
    public const string NewAdminKey = "--new-admin-key";

    /// <summary>Gateway's answer to the admin key commands: this prefix, then the plain key (shown once).</summary>
    public const string AdminKeyLinePrefix = "PARTNERMESH_ADMIN_KEY=";

    /// <summary>Gateway's answer to <see cref="BootstrapAdminKey"/> when an admin key already exists.</summary>
    public const string AdminKeyExistsLine = "PARTNERMESH_ADMIN_KEY_EXISTS";

    /// <summary>
    /// Services with an outbox: gives every parked outbox message a fresh start (not parked, no attempts, due now) so the
    /// running relay publishes it again, then exits (0 on success).
    /// </summary>
    public const string RedriveParkedOutbox = "--redrive-parked-outbox";

    /// <summary>The answer to <see cref="RedriveParkedOutbox"/>: this prefix, then how many messages were re-driven.</summary>
    public const string RedrivenLinePrefix = "PARTNERMESH_REDRIVEN=";

    /// <summary>The commands that answer with one line on stdout; while one runs, console logs go to stderr.</summary>
    public static IReadOnlyList<string> WithResultLine { get; } = [BootstrapAdminKey, NewAdminKey, RedriveParkedOutbox];
}
