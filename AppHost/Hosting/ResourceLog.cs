using System.Text;

namespace PartnerMesh.AppHost.Hosting;

public sealed record LogLine(DateTimeOffset At, string Text, bool IsError);

/// <summary>
/// A resource's console output: the last <see cref="Capacity"/> lines in memory for the dashboard, everything appended
/// to <c>{state}/logs/{resource}.log</c>, and (for projects) echoed to the console with a <c>[name]</c> prefix.
/// </summary>
public sealed class ResourceLog : IDisposable
{
    public const int Capacity = 2000;
    private const long RotateAboveBytes = 20 * 1024 * 1024;

    private readonly Queue<LogLine> _lines = new();
    private readonly Lock _lock = new();
    private readonly StreamWriter? _file;
    private readonly ConsoleWriter? _console;
    private readonly TimeProvider _timeProvider;

    internal ResourceLog(string name, string? filePath, ConsoleWriter? console, TimeProvider timeProvider)
    {
        Name = name;
        FilePath = filePath;
        _console = console;
        _timeProvider = timeProvider;
        if (filePath is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(filePath)!);
            if (File.Exists(filePath) && new FileInfo(filePath).Length > RotateAboveBytes)
            {
                File.Move(filePath, filePath + ".1", overwrite: true);
            }

            _file = new StreamWriter(new FileStream(filePath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false))
            {
                AutoFlush = true,
            };
        }
    }

    public string Name { get; }

    public string? FilePath { get; }

    public IReadOnlyList<LogLine> GetLines(int max = Capacity)
    {
        lock (_lock)
        {
            return _lines.Skip(Math.Max(0, _lines.Count - max)).ToList();
        }
    }

    public void Append(string text, bool isError = false, bool echo = true)
    {
        var line = new LogLine(_timeProvider.GetUtcNow(), text, isError);
        lock (_lock)
        {
            _lines.Enqueue(line);
            if (_lines.Count > Capacity)
            {
                _lines.Dequeue();
            }

            try
            {
                _file?.WriteLine($"{line.At:yyyy-MM-ddTHH:mm:ss.fffZ} {(isError ? "ERR" : "OUT")} {text}");
            }
            catch (ObjectDisposedException)
            {
                // output that arrives after shutdown closed the file
            }
        }

        if (echo)
        {
            _console?.WriteResourceLine(Name, text, isError);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _file?.Dispose();
        }
    }
}
