namespace PartnerMesh.Attribution.Api.Conversions;

public static class CommissionStatus
{
    public const string Pending = "pending";
}
