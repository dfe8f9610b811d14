namespace PartnerMesh.AppHost.Hosting;

/// <summary>One writer for the whole console, so lines of concurrent resources never interleave mid-line.</summary>
internal sealed class ConsoleWriter(Action<string>? output, bool useColors)
{
    public const string AppHostName = "apphost";

    private static readonly string[] Palette = ["36", "32", "33", "35", "34", "96", "92", "93", "95", "94", "91"];
    private readonly Dictionary<string, string> _colors = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private int _width = AppHostName.Length;

    public bool UseColors { get; } = useColors;

    public void Reserve(string name)
    {
        lock (_lock)
        {
            _width = Math.Max(_width, name.Length);
            if (!_colors.ContainsKey(name))
            {
                _colors[name] = Palette[_colors.Count % Palette.Length];
            }
        }
    }

    public void WriteResourceLine(string name, string text, bool isError)
    {
        if (output is null)
        {
            return;
        }

        lock (_lock)
        {
            var prefix = $"[{name}]".PadRight(_width + 2);
            if (UseColors)
            {
                var color = _colors.GetValueOrDefault(name, "37");
                output($"\e[{color}m{prefix}\e[0m {(isError ? $"\e[31m{text}\e[0m" : text)}");
            }
            else
            {
                output($"{prefix} {text}");
            }
        }
    }

    /// <summary>A message of the AppHost itself.</summary>
    public void Info(string text) => WriteResourceLine(AppHostName, text, isError: false);

    public void Error(string text) => WriteResourceLine(AppHostName, text, isError: true);

    /// <summary>Unprefixed lines (the final table, the admin key box).</summary>
    public void Raw(string text)
    {
        if (output is null)
        {
            return;
        }

        lock (_lock)
        {
            output(text);
        }
    }

    public string Bold(string text) => UseColors ? $"\e[1m{text}\e[0m" : text;

    public string Colored(string text, ResourceState state) => !UseColors
        ? text
        : state switch
        {
            ResourceState.Healthy or ResourceState.Running => $"\e[32m{text}\e[0m",
            ResourceState.Failed or ResourceState.Unhealthy => $"\e[31m{text}\e[0m",
            ResourceState.Restarting or ResourceState.Starting or ResourceState.Migrating => $"\e[33m{text}\e[0m",
            _ => text,
        };
}
