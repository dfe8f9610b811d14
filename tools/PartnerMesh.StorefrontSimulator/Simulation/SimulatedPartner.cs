namespace PartnerMesh.StorefrontSimulator.Simulation;

/// <summary>A partner the simulator sends traffic for, with the referral code shoppers follow.</summary>
public sealed record SimulatedPartner(string Id, string Name, string Email, string Code);
