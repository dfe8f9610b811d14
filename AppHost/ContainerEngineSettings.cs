namespace PartnerMesh.AppHost;

/// <summary>
/// Where no Docker engine and registry exist, <c>scripts/infra.sh ensure</c> sets up podman with its own configuration
/// files and builds the PostgreSQL, RabbitMQ and Redis images locally, recording both in a state file. A shell that ran
/// <c>eval "$(scripts/infra.sh env)"</c> already carries those settings; this fills them in for a plain
/// <c>dotnet run --project AppHost</c>, before the orchestrator (DCP) starts and inherits this process's environment.
/// </summary>
internal static class ContainerEngineSettings
{
    public static void ApplyFromInfrastructureState()
    {
        var stateFile = Path.Combine(InfrastructureHome(), "state.env");
        if (!File.Exists(stateFile))
        {
            return;
        }

        var state = File.ReadAllLines(stateFile)
            .Select(line => line.Split('=', 2))
            .Where(parts => parts.Length == 2 && !parts[0].StartsWith('#'))
            .ToDictionary(parts => parts[0].Trim(), parts => parts[1].Trim().Trim('\''), StringComparer.Ordinal);

        SetIfMissing("ASPIRE_CONTAINER_RUNTIME", state.GetValueOrDefault("ENGINE"));
        SetIfMissing("CONTAINERS_CONF", state.GetValueOrDefault("CONTAINERS_CONF_VALUE"));
        SetIfMissing("CONTAINERS_STORAGE_CONF", state.GetValueOrDefault("CONTAINERS_STORAGE_CONF_VALUE"));
        SetIfMissing(ContainerImages.PostgresVariable, state.GetValueOrDefault("POSTGRES_IMAGE"));
        SetIfMissing(ContainerImages.RabbitMQVariable, state.GetValueOrDefault("RABBITMQ_IMAGE"));
        SetIfMissing(ContainerImages.RedisVariable, state.GetValueOrDefault("REDIS_IMAGE"));
    }

    /// <summary>The same folder scripts/infra.sh uses.</summary>
    private static string InfrastructureHome()
    {
        if (Environment.GetEnvironmentVariable("PARTNERMESH_INFRA_HOME") is { Length: > 0 } configured)
        {
            return configured;
        }

        if (Environment.UserName == "root")
        {
            return "/var/lib/partnermesh-infra";
        }

        var stateHome = Environment.GetEnvironmentVariable("XDG_STATE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
        return Path.Combine(stateHome, "partnermesh-infra");
    }

    private static void SetIfMissing(string name, string? value)
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name)) && !string.IsNullOrEmpty(value))
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }
}
