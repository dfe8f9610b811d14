using PartnerMesh.StorefrontSimulator.Gateway;

namespace PartnerMesh.StorefrontSimulator.Simulation;

/// <summary>Everything random about one shopper visit, drawn up front so a seed gives the same traffic.</summary>
public sealed record VisitPlan(
    SimulatedPartner Partner,
    IReadOnlyList<KeyValuePair<string, string>> Utm,
    ShopperContext Shopper,
    bool Converts,
    decimal Amount,
    TimeSpan ThinkTime,
    bool Replays,
    TimeSpan ReplayDelay);
