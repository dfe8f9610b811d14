using PartnerMesh.PartnerPortal.Api.Analytics;

namespace PartnerMesh.PartnerPortal.Api.Portal;

/// <summary>What the dashboard shows; <see cref="Report"/> is null when analytics could not be reached.</summary>
public sealed record DashboardModel(string PartnerName, string Email, DateOnly From, DateOnly To, KpiReport? Report);
