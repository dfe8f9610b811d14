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
    public static string[] For(CustomerFact customer, SegmentOptions options) => For(customer, options, customer.Orders);

    /// <summary>The segments the customer would be in with <paramref name="orders"/> orders (the rest as the customer is now).</summary>
    public static string[] For(CustomerFact customer, SegmentOptions options, int orders)
    {
        var segments = new List<string>(4);
        if (orders == 1)
        {
            segments.Add(SegmentNames.FirstTimeBuyers);
        }

        if (orders >= options.FrequentBuyerMinOrders)
        {
            segments.Add(SegmentNames.FrequentBuyers);
        }

        if (customer.AbandonedCarts >= options.HighAbandonerMinAbandonedCarts
            && customer.Carts > 0
            && (decimal)customer.AbandonedCarts / customer.Carts >= options.HighAbandonerMinShare)
        {
            segments.Add(SegmentNames.HighCartAbandoners);
        }

        if (customer.Lapsed && orders > 0)
        {
            segments.Add(SegmentNames.LapsedCustomers);
        }

        return [.. segments];
    }

    /// <summary>
    /// The segments of a customer's second order, from those its first order was counted under: no longer a first-time
    /// buyer, a frequent buyer when two orders make one.
    /// </summary>
    public static string[] OfSecondOrder(string[] firstOrderSegments, SegmentOptions options) =>
    [
        .. SegmentNames.All.Where(segment => segment switch
        {
            SegmentNames.FirstTimeBuyers => false,
            SegmentNames.FrequentBuyers => options.FrequentBuyerMinOrders <= 2 || firstOrderSegments.Contains(segment),
            _ => firstOrderSegments.Contains(segment),
        }),
    ];
}

/// <summary>A customer joined or left a segment.</summary>
public sealed record SegmentChange(string CustomerId, string Segment, bool Joined, DateTimeOffset At, string[] Segments);
