namespace Microsoft.Extensions.Configuration;

public static class ConfigurationExtensions
{
    /// <summary>Reads a value that must be present; fails fast naming the full key path.</summary>
    public static string GetRequiredValue(this IConfiguration configuration, string key)
    {
        var value = configuration[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            var path = configuration is IConfigurationSection section ? $"{section.Path}:{key}" : key;
            throw new InvalidOperationException($"Configuration value '{path}' is required but missing.");
        }

        return value;
    }

    /// <summary>Reads <c>ConnectionStrings:{name}</c>; fails fast when it is missing (no hidden localhost fallbacks).</summary>
    public static string GetRequiredConnectionString(this IConfiguration configuration, string name) =>
        configuration.GetConnectionString(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"Connection string 'ConnectionStrings:{name}' is required but missing (env ConnectionStrings__{name}).");
}
