using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PartnerMesh.Data;
using PartnerMesh.ServiceDefaults;

namespace PartnerMesh.Outbox;

/// <summary>
/// <c>--redrive-parked-outbox</c>: re-drives every parked message of <typeparamref name="TDbContext"/> and prints
/// <c>PARTNERMESH_REDRIVEN=&lt;count&gt;</c>. The service's running relay (a separate process) publishes them within its
/// poll interval.
/// </summary>
public sealed partial class RedriveParkedOutboxCommand<TDbContext>(ILogger<RedriveParkedOutboxCommand<TDbContext>> logger) : IHostCommand
    where TDbContext : DbContext
{
    public string Switch => HostCommands.RedriveParkedOutbox;

    public async Task<int> RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<TDbContext>();
        var redriven = await db.RedriveParkedOutboxAsync(services.GetRequiredService<TimeProvider>(), cancellationToken);
        LogRedriven(logger, redriven);
        await Console.Out.WriteLineAsync(HostCommands.RedrivenLinePrefix + redriven);
        return 0;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-drove {Count} parked outbox message(s)")]
    private static partial void LogRedriven(ILogger logger, int count);
}
