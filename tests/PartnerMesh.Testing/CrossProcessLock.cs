namespace PartnerMesh.Testing;

/// <summary>An exclusive lock shared by the processes of a test run (an exclusively opened file).</summary>
internal sealed class CrossProcessLock : IAsyncDisposable
{
    private readonly FileStream _stream;

    private CrossProcessLock(FileStream stream) => _stream = stream;

    public static async Task<CrossProcessLock> AcquireAsync(string name)
    {
        var path = Path.Combine(Path.GetTempPath(), name + ".lock");
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            try
            {
                return new CrossProcessLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    public ValueTask DisposeAsync() => _stream.DisposeAsync();
}
