namespace PartnerMesh.StorefrontSimulator.Simulation;

/// <summary>The system is not usable for the simulation (unreachable gateway, wrong key, unexpected answer).</summary>
public sealed class SetupException : Exception
{
    public SetupException()
    {
    }

    public SetupException(string message)
        : base(message)
    {
    }

    public SetupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
