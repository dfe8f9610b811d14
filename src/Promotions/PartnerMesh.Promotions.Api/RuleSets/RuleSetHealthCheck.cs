using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PartnerMesh.Promotions.Api.RuleSets;

/// <summary>Unhealthy until the first rule set is in memory: an instance that cannot evaluate takes no traffic.</summary>
public sealed class RuleSetHealthCheck(RuleSetProvider provider) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(provider.IsLoaded
            ? HealthCheckResult.Healthy($"rule set {provider.Current.Version}, {provider.Current.Promotions.Count} live promotions")
            : HealthCheckResult.Unhealthy("the rule set has not been loaded yet"));
}
