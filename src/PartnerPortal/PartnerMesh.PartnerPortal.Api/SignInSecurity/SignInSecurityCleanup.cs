using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerMesh.PartnerPortal.Api.Infrastructure;

namespace PartnerMesh.PartnerPortal.Api.SignInSecurity;

/// <summary>
/// Keeps the sign-in tables bounded: a throttle row goes once it neither blocks, nor counts failures (they would be
/// forgotten), nor marks a known source any more — deleting it then changes nothing; audit entries go after <see cref="SignInThrottleOptions.AuditRetention"/>;
/// expired sessions (<see cref="Portal.SignedInSession"/>, refused already) go too. Every instance runs it; the deletes are idempotent.
/// </summary>
public sealed class SignInSecurityCleanup(
    IServiceScopeFactory scopes, IOptions<SignInThrottleOptions> options, TimeProvider timeProvider, ILogger<SignInSecurityCleanup> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PurgeAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "Sign-in throttle cleanup failed; retrying at the next interval");
            }

            await Task.Delay(options.Value.CleanupInterval, timeProvider, stoppingToken);
        }
    }

    public async Task<(int Throttles, int AuditEntries, int Sessions)> PurgeAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var settings = options.Value;
        var failuresForgotten = now - settings.ForgetFailuresAfter;
        var noLongerKnown = now - settings.KnownSourceFor;
        var expired = now - settings.AuditRetention;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var throttles = await db.SignInThrottles
            .Where(row => (row.BlockedUntil == null || row.BlockedUntil < now)
                && (row.LastFailureAt == null || row.LastFailureAt < failuresForgotten)
                && (row.LastSuccessAt == null || row.LastSuccessAt < noLongerKnown))
            .ExecuteDeleteAsync(cancellationToken);
        var auditEntries = await db.SignInAudit.Where(entry => entry.OccurredAt < expired).ExecuteDeleteAsync(cancellationToken);
        var sessions = await db.Sessions.Where(session => session.ExpiresAt <= now).ExecuteDeleteAsync(cancellationToken);
        return (throttles, auditEntries, sessions);
    }
}
