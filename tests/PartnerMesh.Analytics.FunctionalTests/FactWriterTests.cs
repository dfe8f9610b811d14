using Microsoft.EntityFrameworkCore;
using PartnerMesh.Analytics.Api.Aggregation;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>
/// The aggregator's set-based fact writes against real PostgreSQL: new and changed rows in one upsert per type, split
/// under the parameter limit, every column round-tripping (nulls, arrays, non-UTC offsets), and a rerun changing nothing.
/// </summary>
public class FactWriterTests(AnalyticsApiFactory factory) : IClassFixture<AnalyticsApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ManyCustomers_AreInsertedInChunks_ThenUpdatedInPlace()
    {
        var prefix = $"fw-{Guid.NewGuid():N}-";
        var columns = await factory.QueryDbAsync(db => Task.FromResult(db.Model.FindEntityType(typeof(CustomerFact))!.GetProperties().Count()));
        var count = FactWriter.RowsPerStatement(columns) + 7;
        var at = new DateTimeOffset(2026, 11, 30, 9, 30, 0, TimeSpan.FromHours(2));
        var partner = Guid.NewGuid();
        var customers = Enumerable.Range(0, count).Select(index => new CustomerFact
        {
            CustomerId = prefix + index,
            Orders = index % 3,
            FirstOrderAt = index % 2 == 0 ? at : null,
            LastOrderAt = at,
            PartnerId = index % 2 == 0 ? partner : null,
            Segments = index % 5 == 0 ? ["frequent-buyers", "first-time-buyers"] : [],
            UpdatedAt = at,
        }).ToList();

        var inserted = await factory.QueryDbAsync(db => db.UpsertAsync(typeof(CustomerFact), customers, Ct));
        foreach (var customer in customers)
        {
            customer.Orders += 10;
            customer.Lapsed = true;
            customer.Segments = ["lapsed-customers"];
        }

        var updated = await factory.QueryDbAsync(db => db.UpsertAsync(typeof(CustomerFact), customers.Take(3).ToList(), Ct));
        var stored = await factory.QueryDbAsync(db => db.Customers.AsNoTracking().Where(c => c.CustomerId.StartsWith(prefix)).ToListAsync(Ct));

        Assert.Equal(count, inserted);
        Assert.Equal(3, updated);
        Assert.Equal(count, stored.Count);
        var first = stored.Single(c => c.CustomerId == prefix + "0");
        Assert.Equal((10, true, partner), (first.Orders, first.Lapsed, first.PartnerId!.Value));
        Assert.Equal(["lapsed-customers"], first.Segments);
        Assert.Equal(at, first.FirstOrderAt);
        var untouched = stored.Single(c => c.CustomerId == prefix + "5");
        Assert.Equal((2, false, null as Guid?, (DateTimeOffset?)null), (untouched.Orders, untouched.Lapsed, untouched.PartnerId, untouched.FirstOrderAt));
        Assert.Equal(["frequent-buyers", "first-time-buyers"], untouched.Segments);
        Assert.Equal(at, stored.Single(c => c.CustomerId == prefix + (count - 1)).UpdatedAt);
    }

    [Fact]
    public async Task CartsAndOrders_RoundTripEveryColumn()
    {
        var now = new DateTimeOffset(2026, 12, 5, 10, 11, 12, 345, TimeSpan.FromHours(-5));
        var cart = new CartFact
        {
            CartId = $"cart-{Guid.NewGuid():N}", VisitorId = "v-1", CustomerId = null, Email = "a@b.example", SessionId = "s-1",
            CreatedAt = now.AddHours(-1), LastActivityAt = now, Items = 3, Total = 123.4567m, Currency = "EUR",
            Status = CartStatuses.Abandoned, Counted = true, AbandonedAt = now,
            PartnerId = Guid.NewGuid(), Campaign = "spring", TrafficSource = "newsletter", Touchpoint = "cart", Segments = ["vip"],
        };
        var order = new OrderFact
        {
            OrderId = $"order-{Guid.NewGuid():N}", OrderedAt = now, Currency = "JPY", Amount = 1200m, CustomerId = "c-1",
            Attributed = true, Commission = 120.5m, Coupon = true, Refunds = 2, RefundedAmount = 10m,
        };

        await factory.QueryDbAsync(db => db.UpsertAsync(typeof(CartFact), [cart], Ct));
        await factory.QueryDbAsync(db => db.UpsertAsync(typeof(OrderFact), [order], Ct));

        var storedCart = await factory.QueryDbAsync(db => db.Carts.AsNoTracking().SingleAsync(c => c.CartId == cart.CartId, Ct));
        var storedOrder = await factory.QueryDbAsync(db => db.Orders.AsNoTracking().SingleAsync(o => o.OrderId == order.OrderId, Ct));
        Assert.Equivalent(cart, storedCart);
        Assert.Equivalent(order, storedOrder);
    }

    [Fact]
    public async Task NoRows_WriteNothing() =>
        Assert.Equal(0, await factory.QueryDbAsync(db => db.UpsertAsync(typeof(OrderFact), [], Ct)));
}
