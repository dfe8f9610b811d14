using PartnerMesh.Contracts.Attribution;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>Builders for the attribution events analytics consumes.</summary>
internal static class Events
{
    public static ClickRecorded Click(Guid partnerId, DateTimeOffset occurredAt) => new()
    {
        EventId = Guid.NewGuid(),
        OccurredAt = occurredAt,
        ClickId = Guid.NewGuid(),
        PartnerId = partnerId,
        LinkId = Guid.NewGuid(),
        Code = "ACME10",
    };

    public static ConversionAttributed Conversion(
        Guid partnerId, DateTimeOffset orderedAt, decimal amount, decimal commission, string currency = "EUR") => new()
        {
            EventId = Guid.NewGuid(),
            OccurredAt = orderedAt.AddMinutes(5),
            ConversionId = Guid.NewGuid(),
            OrderId = $"order-{Guid.NewGuid():N}",
            PartnerId = partnerId,
            OrderAmount = amount,
            Currency = currency,
            CommissionAmount = commission,
            OrderedAt = orderedAt,
        };
}
