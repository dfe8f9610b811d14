using PartnerMesh.Contracts.Attribution;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>Builders for the attribution events analytics consumes.</summary>
internal static class Events
{
    public static ClickRecorded Click(Guid partnerId, DateTimeOffset occurredAt, Guid? clickId = null) => new()
    {
        EventId = Guid.NewGuid(),
        OccurredAt = occurredAt,
        ClickId = clickId ?? Guid.NewGuid(),
        PartnerId = partnerId,
        LinkId = Guid.NewGuid(),
        Code = "ACME10",
    };

    /// <summary>An attributed order; from the click <paramref name="clickId"/> when given, else from no click.</summary>
    public static ConversionAttributed Conversion(
        Guid partnerId, DateTimeOffset orderedAt, decimal amount, decimal commission, string currency = "EUR", Guid? clickId = null) => new()
        {
            EventId = Guid.NewGuid(),
            OccurredAt = orderedAt.AddMinutes(5),
            ConversionId = Guid.NewGuid(),
            OrderId = $"order-{Guid.NewGuid():N}",
            PartnerId = partnerId,
            ClickId = clickId,
            OrderAmount = amount,
            Currency = currency,
            CommissionAmount = commission,
            OrderedAt = orderedAt,
        };

    /// <summary>An attributed order of 10 EUR (1 EUR commission) from the click.</summary>
    public static ConversionAttributed OrderFrom(ClickRecorded click, DateTimeOffset orderedAt) =>
        Conversion(click.PartnerId, orderedAt, 10m, 1m, clickId: click.ClickId);

    /// <summary>Attribution's record of a refund (or with <paramref name="kind"/> <c>cancellation</c>) of an attributed order.</summary>
    public static RefundRecorded Refund(ConversionAttributed conversion, decimal amount, decimal commissionReversed, string kind = "refund") => new()
    {
        EventId = Guid.NewGuid(),
        OccurredAt = conversion.OrderedAt.AddDays(1),
        RefundId = $"r-{Guid.NewGuid():N}",
        OrderId = conversion.OrderId,
        Kind = kind,
        Amount = amount,
        Currency = conversion.Currency,
        IsFullRefund = kind == "cancellation" || amount == conversion.OrderAmount,
        RefundedAt = conversion.OrderedAt.AddDays(1),
        PartnerId = conversion.PartnerId,
        CommissionReversed = commissionReversed,
    };

    /// <summary>Attribution's review rejected the conversion's sale commission (its unpaid reversals with it).</summary>
    public static CommissionReversed Rejection(ConversionAttributed conversion, Guid? partnerId = null) => new()
    {
        EventId = Guid.NewGuid(),
        OccurredAt = conversion.OrderedAt.AddDays(2),
        CommissionId = Guid.NewGuid(),
        PartnerId = partnerId ?? conversion.PartnerId,
        OrderId = conversion.OrderId,
        Kind = "sale",
        Amount = conversion.CommissionAmount,
        Currency = conversion.Currency,
        Reason = "rejected",
    };
}
