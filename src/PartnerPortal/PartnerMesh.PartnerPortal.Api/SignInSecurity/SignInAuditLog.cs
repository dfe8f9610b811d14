using System.Diagnostics.Metrics;
using PartnerMesh.PartnerPortal.Api.Accounts;
using PartnerMesh.PartnerPortal.Api.Infrastructure;

namespace PartnerMesh.PartnerPortal.Api.SignInSecurity;

/// <summary>Writes a throttling event three ways: a <c>sign_in_audit</c> row, a structured log entry and a metric.</summary>
public sealed class SignInAuditLog(PortalDbContext db, SignInSecurityMetrics metrics, TimeProvider timeProvider, ILogger<SignInAuditLog> logger)
{
    public async Task RecordAsync(
        string kind, string scope, PortalAccount account, string source, bool knownSource, SignInThrottle row, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        db.SignInAudit.Add(new SignInAuditEntry
        {
            OccurredAt = now,
            Kind = kind,
            Scope = scope,
            AccountId = account.Id,
            PartnerId = account.PartnerId,
            Source = source,
            KnownSource = knownSource,
            Failures = row.Failures,
            BlockedUntil = kind == SignInAuditKinds.SignedInAfterBackOff ? null : row.BlockedUntil,
        });
        await db.SaveChangesAsync(cancellationToken);
        metrics.Record(kind, scope);
        logger.LogWarning(
            "Sign-in throttling: {SignInAuditKind} ({SignInAuditScope}) for account {AccountId} of partner {PartnerId} from {SignInSource} (known: {KnownSource}), {Failures} failures, blocked until {BlockedUntil}",
            kind, scope, account.Id, account.PartnerId, source, knownSource, row.Failures, row.BlockedUntil);
    }
}

public sealed class SignInSecurityMetrics(IMeterFactory meterFactory)
{
    private readonly Counter<long> _events = meterFactory.Create("PartnerMesh.PartnerPortal")
        .CreateCounter<long>("partnermesh.portal.sign_in.throttle_events", "{event}", "Sign-in throttling events, by kind and scope (source, account).");

    public void Record(string kind, string scope) =>
        _events.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("scope", scope));
}
