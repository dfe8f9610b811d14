using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PartnerMesh.Attribution.Api.Conversions;
using PartnerMesh.ServiceDefaults.Security;
using Xunit;
using static PartnerMesh.Attribution.FunctionalTests.ProgramHelpers;

namespace PartnerMesh.Attribution.FunctionalTests;

/// <summary>The service with its error logs captured: a conflict it handles (a deadlock it retries) must log no error.</summary>
public sealed class AttributionApiWithLogsFactory : AttributionApiFactory
{
    private readonly ConcurrentQueue<(string Category, LogLevel Level, string Message)> _errors = new();

    /// <summary>Everything logged at error level or above.</summary>
    public IReadOnlyList<(string Category, LogLevel Level, string Message)> Errors => [.. _errors];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<ILoggerProvider>(new ErrorLoggerProvider(_errors)));
    }

    private sealed class ErrorLoggerProvider(ConcurrentQueue<(string, LogLevel, string)> errors) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ErrorLogger(categoryName, errors);

        public void Dispose()
        {
        }
    }

    private sealed class ErrorLogger(string category, ConcurrentQueue<(string, LogLevel, string)> errors) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                errors.Enqueue((category, logLevel, $"{formatter(state, exception)} {exception}"));
            }
        }
    }
}

/// <summary>
/// Cancellations and new orders of one customer at once: they all touch the customer's credit row (order count) and
/// the customer's orders and bonuses (renumbering), so they must take their locks in one order, and a conflict the
/// database still reports (a deadlock, a serialization failure) is retried inside the service, never answered 5xx.
/// </summary>
public class ConcurrentRefundTests(AttributionApiWithLogsFactory factory) : IClassFixture<AttributionApiWithLogsFactory>
{
    private readonly HttpClient _admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
    private readonly HttpClient _storefront = factory.CreateClientWithScopes(PartnerMeshScopes.Storefront);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CancellationsAndNewOrdersOfOneCustomerAtOnce_AllSucceed_AndTheStandingOrdersCarryTheBonuses(bool budgeted)
    {
        for (var round = 0; round < 20; round++)
        {
            // A budget makes bookings lock the partner's and the program's rows too.
            var program = await _admin.CreateProgramAsync(new
            {
                holdDays = 0, minSecondsToConversion = 0, budget = budgeted ? 100_000 : (int?)null, partnerBudget = budgeted ? 50_000 : (int?)null,
                plan = new { type = "percent", rate = 0.10, milestones = new[] { new { orderCount = 2, bonus = 5 }, new { orderCount = 3, bonus = 7 } } },
            });
            var referrer = await _admin.CreateProgramPartnerAsync(program.Id);
            var code = (await _admin.CreateLinkAsync(referrer.Id)).Code;
            var customer = $"cust-{Guid.NewGuid():N}";
            var first = new List<ConversionResponse>();
            for (var i = 0; i < 3; i++)
            {
                first.Add(await _storefront.ConvertAsync(Order(100m) with { CustomerId = customer, CouponCode = code }));
            }

            var requests = first.Skip(1).Select(order => _storefront.PostAsJsonAsync("/api/attribution/refunds",
                    new { refundId = $"cancel-{Guid.NewGuid():N}", orderId = order.OrderId, kind = "cancellation", currency = "EUR" }, Ct))
                .Concat(Enumerable.Range(0, 3).Select(_ => _storefront.PostAsJsonAsync("/api/attribution/conversions",
                    Order(100m) with { CustomerId = customer, CouponCode = code, OrderedAt = Later }, Ct)));
            var responses = await Task.WhenAll(requests);

            Assert.All(responses, response => Assert.Equal(HttpStatusCode.Created, response.StatusCode));
            await AssertLedgerExactAsync(customer, referrer.Id, round);
        }

        Assert.Empty(factory.Errors);
    }

    /// <summary>
    /// The customer's standing orders in the order they were recorded: the 2nd carries the 2nd-order bonus (5), the 3rd the
    /// 3rd-order bonus (7), nothing else carries a live bonus, cancelled orders keep no sale, and the credit counts them.
    /// </summary>
    private async Task AssertLedgerExactAsync(string customer, Guid referrerId, int round)
    {
        var orders = await factory.QueryDbAsync(db => db.Conversions.Where(c => c.CustomerId == customer)
            .OrderBy(c => c.CreatedAt).ThenBy(c => c.Id).Select(c => new { c.Id, c.OrderId, c.Status }).ToListAsync(Ct));
        var standing = orders.Where(order => order.Status != ConversionStatus.Cancelled).Select(order => order.OrderId).ToList();
        var net = await factory.QueryDbAsync(db => db.Commissions.Where(c => c.PartnerId == referrerId)
            .Select(c => new
            {
                c.OrderId,
                Kind = c.OriginalCommissionId == null ? c.Kind : db.Commissions.Where(o => o.Id == c.OriginalCommissionId).Select(o => o.Kind).Single(),
                c.Amount,
            })
            .ToListAsync(Ct));
        var bonuses = net.Where(entry => entry.Kind == CommissionKind.Milestone).GroupBy(entry => entry.OrderId!)
            .Select(group => (OrderId: group.Key, Amount: group.Sum(entry => entry.Amount))).Where(bonus => bonus.Amount != 0)
            .OrderBy(bonus => standing.IndexOf(bonus.OrderId)).ToList();
        var sales = net.Where(entry => entry.Kind == CommissionKind.Sale).GroupBy(entry => entry.OrderId!)
            .ToDictionary(group => group.Key, group => group.Sum(entry => entry.Amount));

        Assert.Equal(4, standing.Count);
        Assert.True(bonuses.SequenceEqual([(standing[1], 5m), (standing[2], 7m)]),
            $"round {round}: standing {string.Join(", ", standing)}; live bonuses {string.Join(", ", bonuses)}");
        Assert.All(orders, order => Assert.Equal(order.Status == ConversionStatus.Cancelled ? 0m : 10m, sales[order.OrderId]));
        Assert.Equal(4, await factory.QueryDbAsync(db => db.CustomerCredits.Where(c => c.CustomerId == customer).Select(c => c.OrderCount).SingleAsync(Ct)));
    }
}
