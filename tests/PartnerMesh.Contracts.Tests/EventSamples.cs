using PartnerMesh.Contracts.Attribution;

namespace PartnerMesh.Contracts.Tests;

/// <summary>
/// One deterministic instance of every integration event, with every property set, so the snapshot shows the whole
/// wire shape. A new event type needs an entry here (and an approved snapshot) before its tests pass.
/// </summary>
internal static class EventSamples
{
    private static readonly Guid EventId = Guid.Parse("0193a1b2-0000-7000-8000-000000000001");
    private static readonly Guid PartnerId = Guid.Parse("0193a1b2-0000-7000-8000-0000000000a1");
    private static readonly Guid LinkId = Guid.Parse("0193a1b2-0000-7000-8000-0000000000b1");
    private static readonly Guid ClickId = Guid.Parse("0193a1b2-0000-7000-8000-0000000000c1");
    private static readonly DateTimeOffset OccurredAt = new(2025, 3, 14, 9, 26, 53, 589, TimeSpan.Zero);

    public static IReadOnlyDictionary<Type, IIntegrationEvent> All { get; } = new IIntegrationEvent[]
    {
        new PartnerRegistered
        {
            EventId = EventId,
            OccurredAt = OccurredAt,
            PartnerId = PartnerId,
            Name = "Acme Affiliates",
            Email = "partners@acme.example",
            Kind = "affiliate",
            CommissionRate = 0.075m,
        },
        new ReferralLinkCreated
        {
            EventId = EventId,
            OccurredAt = OccurredAt,
            LinkId = LinkId,
            PartnerId = PartnerId,
            Code = "ACME-SPRING",
            TargetUrl = "https://shop.example/spring?ref=acme",
        },
        new ClickRecorded
        {
            EventId = EventId,
            OccurredAt = OccurredAt,
            ClickId = ClickId,
            PartnerId = PartnerId,
            LinkId = LinkId,
            Code = "ACME-SPRING",
            VisitorId = "v-5f2c",
            UtmSource = "newsletter",
            UtmMedium = "email",
            UtmCampaign = "spring-sale",
            Referrer = "https://blog.acme.example/deals",
        },
        new ConversionAttributed
        {
            EventId = EventId,
            OccurredAt = OccurredAt,
            ConversionId = Guid.Parse("0193a1b2-0000-7000-8000-0000000000d1"),
            OrderId = "ORD-10042",
            PartnerId = PartnerId,
            ClickId = ClickId,
            OrderAmount = 129.90m,
            Currency = "EUR",
            CommissionAmount = 9.74m,
            OrderedAt = OccurredAt.AddMinutes(-3),
        },
    }.ToDictionary(sample => sample.GetType());
}
