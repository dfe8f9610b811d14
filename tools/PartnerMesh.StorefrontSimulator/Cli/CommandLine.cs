using System.Globalization;

namespace PartnerMesh.StorefrontSimulator.Cli;

/// <summary>Parses the simulator's command line. Pure: the environment is passed in, nothing is read or printed.</summary>
public static class CommandLine
{
    public const string AdminKeyVariable = "PARTNERMESH_ADMIN_KEY";
    public const string GatewayVariable = "PARTNERMESH_GATEWAY";

    public const string Usage = """
        PartnerMesh storefront simulator: drives storefront traffic through the gateway, or measures how fast an order
        becomes a KPI.

        usage:
          PartnerMesh.StorefrontSimulator [run] [options]        traffic until --duration ends or Ctrl+C
          PartnerMesh.StorefrontSimulator measure [options]      order -> KPI latency, printed as a markdown table
          PartnerMesh.StorefrontSimulator --measure-order-to-kpi <n> [options]   same as: measure --orders <n>

        common options:
          --gateway <url>             gateway base address (env PARTNERMESH_GATEWAY; default http://127.0.0.1:8080)
          --api-key <key>             admin API key (env PARTNERMESH_ADMIN_KEY); scripts/run.sh prints one on its
                                      first start, the dashboard's "Create admin API key" command (gateway) makes another
          --seed <int>                seed of every random choice (default: a new one per run, printed)

        run options:
          --rate <clicks/s>           shopper clicks per second (default 5)
          --conversion-rate <0..1>    share of clicks that become an order (default 0.2)
          --replay-rate <0..1>        share of orders sent again with the same order id (default 0.05)
          --partners <n>              simulated partners, reused by their "sim-" name prefix (default 5)
          --duration <seconds>        stop after this long (default: until Ctrl+C)

        measure options:
          --orders <n>                measured samples (default 200)
          --warmup <n>                samples run first and not counted (default 3)
          --poll-interval-ms <ms>     analytics polling interval (default 10)
          --timeout <seconds>         how long one sample waits for its KPI before it counts as timed out (default 30)

        Status lines go to stderr; the summary / result tables (markdown) go to stdout.
        Exit codes: 0 ok, 1 set-up failed, 2 bad arguments, 3 the run saw errors or timed-out samples.
        """;

    /// <summary>The arguments without the project path and <c>--configuration &lt;name&gt;</c> the AppHost's launcher adds.</summary>
    public static IReadOnlyList<string> WithoutAppHostLaunchArguments(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var kept = new List<string>(args.Count);
        for (var index = 0; index < args.Count; index++)
        {
            if (args[index].EndsWith(".csproj", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (args[index] == "--configuration" && index + 1 < args.Count)
            {
                index++;
                continue;
            }

            kept.Add(args[index]);
        }

        return kept;
    }

    public static ParseResult Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);

        var command = SimulatorCommand.Run;
        string? gateway = null;
        string? apiKey = null;
        int? seed = null;
        double? rate = null, conversionRate = null, replayRate = null, durationSeconds = null, pollMs = null, timeoutSeconds = null;
        int? partners = null, orders = null, warmup = null;

        // Started by the AppHost, the simulator is a project resource launched from its built assembly, and Aspire's
        // launcher still appends the project's path and "--configuration <name>": not the simulator's to refuse.
        args = WithoutAppHostLaunchArguments(args);
        var index = 0;
        if (args.Count > 0 && !args[0].StartsWith('-'))
        {
            switch (args[0])
            {
                case "run":
                    command = SimulatorCommand.Run;
                    break;
                case "measure":
                    command = SimulatorCommand.Measure;
                    break;
                case "help":
                    return ParseResult.Help();
                default:
                    return ParseResult.Failure($"unknown command '{args[0]}' (expected run or measure)");
            }

            index = 1;
        }

        for (; index < args.Count; index++)
        {
            var arg = args[index];
            if (arg is "-h" or "--help" or "-?")
            {
                return ParseResult.Help();
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                return ParseResult.Failure($"unexpected argument '{arg}'");
            }

            string name;
            string? value;
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                name = arg[..equals];
                value = arg[(equals + 1)..];
            }
            else
            {
                name = arg;
                value = index + 1 < args.Count ? args[++index] : null;
            }

            if (value is null)
            {
                return ParseResult.Failure($"{name} needs a value");
            }

            string? error = name switch
            {
                "--gateway" => Assign(value, out gateway),
                "--api-key" => Assign(value, out apiKey),
                "--seed" => ParseInt(name, value, int.MinValue, out seed),
                "--rate" => ParseDouble(name, value, 0.01, 10_000, out rate),
                "--conversion-rate" => ParseDouble(name, value, 0, 1, out conversionRate),
                "--replay-rate" => ParseDouble(name, value, 0, 1, out replayRate),
                "--partners" => ParseInt(name, value, 1, out partners, max: 1_000),
                "--duration" => ParseDouble(name, value, 0.1, 7 * 24 * 3600, out durationSeconds),
                "--orders" => ParseInt(name, value, 1, out orders, max: 1_000_000),
                "--warmup" => ParseInt(name, value, 0, out warmup, max: 10_000),
                "--poll-interval-ms" => ParseDouble(name, value, 1, 10_000, out pollMs),
                "--timeout" => ParseDouble(name, value, 0.1, 3_600, out timeoutSeconds),
                "--measure-order-to-kpi" => ParseInt(name, value, 1, out orders, max: 1_000_000),
                _ => $"unknown option '{name}'",
            };
            if (error is not null)
            {
                return ParseResult.Failure(error);
            }

            if (name == "--measure-order-to-kpi")
            {
                command = SimulatorCommand.Measure;
            }
        }

        gateway ??= NullIfBlank(environment(GatewayVariable)) ?? SimulatorOptions.DefaultGateway;
        if (!Uri.TryCreate(gateway, UriKind.Absolute, out var gatewayUri)
            || (gatewayUri.Scheme != Uri.UriSchemeHttp && gatewayUri.Scheme != Uri.UriSchemeHttps))
        {
            return ParseResult.Failure($"--gateway must be an absolute http(s) address, not '{gateway}'");
        }

        apiKey = NullIfBlank(apiKey) ?? NullIfBlank(environment(AdminKeyVariable));
        if (apiKey is null)
        {
            return ParseResult.Failure(
                $"an admin API key is needed: pass --api-key or set {AdminKeyVariable} "
                + "(scripts/run.sh prints one on its first start; the gateway's 'Create admin API key' command in the dashboard makes another)");
        }

        var defaults = new SimulatorOptions { Gateway = gatewayUri, AdminKey = apiKey };
        return ParseResult.Success(defaults with
        {
            Command = command,
            Seed = seed,
            ClicksPerSecond = rate ?? defaults.ClicksPerSecond,
            ConversionRate = conversionRate ?? defaults.ConversionRate,
            ReplayRate = replayRate ?? defaults.ReplayRate,
            Partners = partners ?? defaults.Partners,
            Duration = durationSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            Orders = orders ?? defaults.Orders,
            Warmup = warmup ?? defaults.Warmup,
            PollInterval = pollMs is { } ms ? TimeSpan.FromMilliseconds(ms) : defaults.PollInterval,
            VisibilityTimeout = timeoutSeconds is { } timeout ? TimeSpan.FromSeconds(timeout) : defaults.VisibilityTimeout,
        });
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string? Assign(string value, out string? target)
    {
        target = value;
        return null;
    }

    private static string? ParseInt(string name, string value, int min, out int? target, int max = int.MaxValue)
    {
        target = null;
        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
        {
            return $"{name} must be a whole number, not '{value}'";
        }

        if (parsed < min || parsed > max)
        {
            return $"{name} must be between {min} and {max}, not {parsed}";
        }

        target = parsed;
        return null;
    }

    private static string? ParseDouble(string name, string value, double min, double max, out double? target)
    {
        target = null;
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) || !double.IsFinite(parsed))
        {
            return $"{name} must be a number, not '{value}'";
        }

        if (parsed < min || parsed > max)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{name} must be between {min} and {max}, not {parsed}");
        }

        target = parsed;
        return null;
    }
}
