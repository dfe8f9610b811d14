using PartnerMesh.Contracts.Attribution;

namespace PartnerMesh.Testing;

/// <summary>Integration events as their producers publish them, for tests of consumers.</summary>
public static class TestEvents
{
    /// <summary>
    /// A partner registered in attribution. Without <paramref name="occurredAt"/>, now in whole milliseconds, which survive
    /// PostgreSQL's microsecond timestamps unchanged.
    /// </summary>
    public static PartnerRegistered PartnerRegistered(Guid? partnerId = null, string name = "Acme Deals", DateTimeOffset? occurredAt = null)
    {
        var id = partnerId ?? Guid.NewGuid();
        return new PartnerRegistered
        {
            EventId = Guid.CreateVersion7(),
            OccurredAt = occurredAt ?? DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()),
            PartnerId = id,
            Name = name,
            Email = $"{id:N}@partners.example",
            Kind = "affiliate",
            CommissionRate = 0.1m,
        };
    }

    /// <summary>Attribution changed a partner's status (<c>suspended</c>, <c>active</c>, …); without <paramref name="occurredAt"/>, now in whole milliseconds.</summary>
    public static PartnerStatusChanged PartnerStatusChanged(Guid partnerId, string status, DateTimeOffset? occurredAt = null) => new()
    {
        EventId = Guid.CreateVersion7(),
        OccurredAt = occurredAt ?? DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()),
        PartnerId = partnerId,
        Status = status,
    };
}
