using PartnerMesh.Analytics.Api.Aggregation;

namespace PartnerMesh.Analytics.Api.Segments;

public static class SegmentNames
{
    public const string FrequentBuyers = "frequent_buyers";
    public const string FirstTimeBuyers = "first_time_buyers";
    public const string HighCartAbandoners = "high_cart_abandoners";
    public const string LapsedCustomers = "lapsed_customers";

    public static readonly string[] All = [FirstTimeBuyers, FrequentBuyers, HighCartAbandoners, LapsedCustomers];
}

/// <summary>Which segments a customer is in, from the customer's counters (rules configurable, see <see cref="SegmentOptions"/>).</summary>
public static class SegmentRules
{
    public static string[] For(CustomerFact customer, SegmentOptions options)
    {
        var segments = new List<string>(4);
        if (customer.Orders == 1)
        {
            segments.Add(SegmentNames.FirstTimeBuyers);
        }

        if (customer.Orders >= options.FrequentBuyerMinOrders)
        {
            segments.Add(SegmentNames.FrequentBuyers);
        }

        if (customer.AbandonedCarts >= options.HighAbandonerMinAbandonedCarts
            && customer.Carts > 0
            && (decimal)customer.AbandonedCarts / customer.Carts >= options.HighAbandonerMinShare)
        {
            segments.Add(SegmentNames.HighCartAbandoners);
        }

        if (customer.Lapsed && customer.Orders > 0)
        {
            segments.Add(SegmentNames.LapsedCustomers);
        }

        return [.. segments];
    }
}

/// <summary>A customer joined or left a segment.</summary>
public sealed record SegmentChange(string CustomerId, string Segment, bool Joined, DateTimeOffset At, string[] Segments);
