using PartnerMesh.Attribution.Api.Common;

namespace PartnerMesh.Attribution.Api.Conversions;

public static class CommissionCalculator
{
    /// <summary>A plain percentage of the order amount, rounded half away from zero to cents.</summary>
    public static decimal Calculate(decimal orderAmount, decimal commissionRate) => Money.ToCents(orderAmount * commissionRate);
}
