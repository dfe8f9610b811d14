namespace PartnerMesh.ServiceDefaults;

/// <summary>Naming rules for the domain's own meters and activity sources, so ServiceDefaults picks them all up.</summary>
public static class PartnerMeshTelemetry
{
    public const string MeterPrefix = "PartnerMesh.";
    public const string ActivitySourcePrefix = "PartnerMesh.";
}
