namespace PartnerMesh.StorefrontSimulator.Cli;

/// <summary>Outcome of <see cref="CommandLine.Parse"/>: options, a request for help, or an error to print with the usage.</summary>
public sealed record ParseResult(SimulatorOptions? Options, bool ShowHelp, string? Error)
{
    public static ParseResult Success(SimulatorOptions options) => new(options, ShowHelp: false, Error: null);

    public static ParseResult Help() => new(null, ShowHelp: true, Error: null);

    public static ParseResult Failure(string error) => new(null, ShowHelp: false, error);
}
