using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.PartnerDirectory;

namespace PartnerMesh.Analytics.Api.IntegrationEvents;

/// <summary>Learns partners so the KPI reports can name them.</summary>
public sealed class RegisterPartnerConsumer(AnalyticsDbContext db, AnalyticsMetrics metrics, TimeProvider timeProvider)
    : PartnerRegistrationConsumer<AnalyticsDbContext>(db)
{
    protected override void OnRecorded(PartnerRegistered registered) =>
        metrics.EventApplied("partner-registered", timeProvider.GetUtcNow() - registered.OccurredAt);
}
