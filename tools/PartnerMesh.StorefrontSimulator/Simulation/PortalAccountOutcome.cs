namespace PartnerMesh.StorefrontSimulator.Simulation;

public enum PortalAccountOutcome
{
    Created,

    /// <summary>409: the partner already has an account; its password is whatever it was set to.</summary>
    AlreadyExists,

    Failed,
}
