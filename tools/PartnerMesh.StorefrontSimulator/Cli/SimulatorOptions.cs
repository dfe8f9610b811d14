namespace PartnerMesh.StorefrontSimulator.Cli;

/// <summary>Everything the command line (and the environment) configures; defaults are the documented ones.</summary>
public sealed record SimulatorOptions
{
    public const string DefaultGateway = "http://127.0.0.1:8080";

    public SimulatorCommand Command { get; init; } = SimulatorCommand.Run;

    public required Uri Gateway { get; init; }

    public required string AdminKey { get; init; }

    /// <summary>Seed of every random choice (UTM, visitors, conversions, amounts); null = a fresh one per run.</summary>
    public int? Seed { get; init; }

    // run

    public double ClicksPerSecond { get; init; } = 5;

    public double ConversionRate { get; init; } = 0.2;

    /// <summary>Share of orders sent a second time with the same order id (idempotency check).</summary>
    public double ReplayRate { get; init; } = 0.05;

    public int Partners { get; init; } = 5;

    /// <summary>How long to drive traffic; null = until Ctrl+C.</summary>
    public TimeSpan? Duration { get; init; }

    // measure

    public int Orders { get; init; } = 200;

    /// <summary>Samples run first and left out of the figures (cold caches, JIT, connection set-up).</summary>
    public int Warmup { get; init; } = 3;

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>How long one sample may wait for its click or order to become visible before it counts as timed out.</summary>
    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
