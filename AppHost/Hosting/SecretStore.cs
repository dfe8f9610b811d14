using System.Text.Json;

namespace PartnerMesh.AppHost.Hosting;

/// <summary>
/// <c>{state}/secrets.json</c>: passwords and keys generated on first run (the state folder is gitignored). Readable by
/// the owner only.
/// </summary>
internal sealed class SecretStore(string path)
{
    private static readonly JsonSerializerOptions WriteOptions = new() { WriteIndented = true };
    private readonly Lock _lock = new();

    public string Path { get; } = path;

    public string GetOrCreate(string name, Func<string> generate)
    {
        lock (_lock)
        {
            var secrets = Read();
            if (secrets.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value))
            {
                return value;
            }

            value = generate();
            secrets[name] = value;
            Write(secrets);
            return value;
        }
    }

    private SortedDictionary<string, string> Read()
    {
        if (!File.Exists(Path))
        {
            return new(StringComparer.Ordinal);
        }

        try
        {
            var values = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path)) ?? [];
            return new(values, StringComparer.Ordinal);
        }
        catch (JsonException exception)
        {
            throw new InvalidOperationException($"{Path} is not valid JSON ({exception.Message}); fix or restore it.", exception);
        }
    }

    private void Write(SortedDictionary<string, string> secrets)
    {
        var temporary = Path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(secrets, WriteOptions));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temporary, Path, overwrite: true);
    }
}
