namespace PartnerMesh.AppHost.Hosting;

/// <summary>
/// A .NET project of this repository, started as <c>dotnet artifacts/bin/{Project}/{configuration}/{Project}.dll</c> with the
/// project folder as working directory (so its appsettings.json is found).
/// </summary>
public sealed class ProjectResource(string name, string projectDirectory, string dllPath) : Resource(name)
{
    public override string Kind => "project";

    public string ProjectDirectory { get; } = projectDirectory;

    public string DllPath { get; } = dllPath;

    /// <summary>HTTP port on 127.0.0.1; null for a project without an endpoint (a console tool).</summary>
    public int? Port { get; internal set; }

    public Uri? HttpUrl => Port is { } port ? new Uri($"http://127.0.0.1:{port}") : null;

    /// <summary>Polled until it answers 200 before the project counts as healthy.</summary>
    public string? HealthCheckPath { get; internal set; }

    /// <summary>Runs <c>dotnet {dll} --migrate</c> as a step before the project starts.</summary>
    public bool RunsMigrations { get; internal set; }

    /// <summary>Runs <c>dotnet {dll} --bootstrap-admin-key</c> once the project is healthy (the gateway).</summary>
    public bool BootstrapsAdminKey { get; internal set; }

    /// <summary>The admin API key obtained this run (bootstrap or <c>--new-admin-key</c>); null when none was created.</summary>
    public string? AdminApiKey { get; internal set; }

    public AdminKeyOutcome AdminKeyOutcome { get; internal set; }

    /// <summary>Another resource needs a key (e.g. the storefront simulator): create one even when one exists.</summary>
    public bool AdminKeyRequired { get; internal set; }

    internal IList<KeyValuePair<string, Func<string>>> Environment { get; } = new List<KeyValuePair<string, Func<string>>>();

    internal IList<Func<IEnumerable<string>>> Args { get; } = new List<Func<IEnumerable<string>>>();

    /// <summary>The exact environment Aspire would inject, computed when the process starts.</summary>
    internal IReadOnlyDictionary<string, string> BuildEnvironment(ProjectEnvironmentDefaults defaults)
    {
        var env = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var reference in References)
        {
            switch (reference)
            {
                case IResourceWithConnectionString withConnectionString:
                    env[$"ConnectionStrings__{reference.Name}"] = withConnectionString.GetConnectionString();
                    break;
                case ProjectResource { HttpUrl: { } url }:
                    env[$"services__{reference.Name}__http__0"] = url.ToString().TrimEnd('/');
                    break;
                default:
                    break;
            }
        }

        if (HttpUrl is { } httpUrl)
        {
            env["ASPNETCORE_URLS"] = httpUrl.ToString().TrimEnd('/');
        }

        env["ASPNETCORE_ENVIRONMENT"] = defaults.Environment;
        env["DOTNET_ENVIRONMENT"] = defaults.Environment;
        // One line per log entry keeps the prefixed, interleaved console of all resources readable. (FormatterName
        // must be set too: without it the console logger ignores FormatterOptions.)
        env["Logging__Console__FormatterName"] = "simple";
        env["Logging__Console__FormatterOptions__SingleLine"] = "true";

        if (defaults.OtlpEndpoint is { } otlp)
        {
            // What Aspire injects in development: http/protobuf to the dashboard's receiver, short export intervals.
            env["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp.ToString().TrimEnd('/');
            env["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
            env["OTEL_EXPORTER_OTLP_HEADERS"] = $"{OtlpResourceHeader}={Name}";
            env["OTEL_SERVICE_NAME"] = Name;
            env["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={Name}";
            env["OTEL_BSP_SCHEDULE_DELAY"] = "1000";
            env["OTEL_BLRP_SCHEDULE_DELAY"] = "1000";
            env["OTEL_METRIC_EXPORT_INTERVAL"] = "5000";
        }

        foreach (var (key, value) in Environment)
        {
            env[key] = value();
        }

        return env;
    }

    internal IReadOnlyList<string> BuildArgs() => Args.SelectMany(args => args()).ToList();

    /// <summary>Header the OTLP receiver reads to count telemetry per resource.</summary>
    internal const string OtlpResourceHeader = "x-partnermesh-resource";
}

public enum AdminKeyOutcome
{
    /// <summary>Not attempted (yet).</summary>
    None,

    /// <summary>The first admin key was created this run.</summary>
    Bootstrapped,

    /// <summary>Another key was created on request (<c>--new-admin-key</c>).</summary>
    Created,

    /// <summary>A key existed; another was created for a resource that needs one, and not shown.</summary>
    CreatedForResources,

    /// <summary>A key existed already; none was created.</summary>
    Exists,

    Failed,
}

internal sealed record ProjectEnvironmentDefaults(string Environment, Uri? OtlpEndpoint);
