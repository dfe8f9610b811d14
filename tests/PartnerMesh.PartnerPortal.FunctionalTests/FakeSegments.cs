namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>Segment reports serialized as analytics-api gives them to a partner.</summary>
public static class FakeSegments
{
    /// <summary>k = 5: 12 first-time buyers, 7 frequent buyers, high cart abandoners suppressed, no lapsed customers.</summary>
    public static object Canned(Guid partnerId, long firstTimeBuyers = 12) => new
    {
        partnerId,
        anonymityThreshold = 5,
        segments = new object[]
        {
            new { segment = "first_time_buyers", customers = (long?)firstTimeBuyers, suppressed = false },
            new { segment = "frequent_buyers", customers = (long?)7, suppressed = false },
            new { segment = "high_cart_abandoners", customers = (long?)null, suppressed = true },
            new { segment = "lapsed_customers", customers = (long?)0, suppressed = false },
        },
    };
}
