using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Web;
using Xunit;

namespace PartnerMesh.EndToEndTests;

/// <summary>The steps the actors take through the gateway: an operator, a shopper and a storefront back end.</summary>
public sealed class Journeys(SystemFixture system)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async Task<Partner> CreatePartnerAsync(decimal commissionRate = 0.10m)
    {
        using var admin = system.CreateAdminClient();
        var unique = Guid.NewGuid().ToString("N")[..10];
        var response = await admin.PostAsJsonAsync("/api/attribution/partners",
            new { name = $"Partner {unique}", email = $"partner-{unique}@example.com", kind = "affiliate", commissionRate }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Partner>(Ct))!;
    }

    public async Task<Link> CreateLinkAsync(Guid partnerId)
    {
        using var admin = system.CreateAdminClient();
        var response = await admin.PostAsJsonAsync($"/api/attribution/partners/{partnerId}/links",
            new { targetUrl = "https://shop.example.com/spring-sale?ref=pm" }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Link>(Ct))!;
    }

    /// <summary>A shopper follows the referral link; returns the click id the shop receives.</summary>
    public async Task<Guid> FollowLinkAsync(string code, string utmSource = "newsletter")
    {
        using var shopper = system.CreateAnonymousClient();
        var response = await shopper.GetAsync($"/r/{code}?utm_source={utmSource}&utm_campaign=spring", Ct);
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.Equal("shop.example.com", location.Host);
        var query = HttpUtility.ParseQueryString(location.Query);
        Assert.Equal(utmSource, query["utm_source"]);
        return Guid.Parse(query["pm_click"]!);
    }

    public async Task<HttpResponseMessage> ReportOrderAsync(string orderId, Guid? clickId, decimal amount, string currency = "EUR")
    {
        using var storefront = system.CreateStorefrontClient();
        return await storefront.PostAsJsonAsync("/api/attribution/conversions", new { orderId, clickId, amount, currency }, Ct);
    }

    /// <summary>The partner's daily KPIs; null while analytics has not heard of the partner yet (404).</summary>
    public async Task<KpiReport?> GetKpisAsync(Guid partnerId)
    {
        using var admin = system.CreateAdminClient();
        var response = await admin.GetAsync($"/api/analytics/partners/{partnerId}/daily", Ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<KpiReport>(Ct))!;
    }

    /// <summary>Polls analytics (through the gateway) until the partner's totals satisfy the condition.</summary>
    public async Task<KpiReport> WaitForKpisAsync(Guid partnerId, Func<KpiTotals, bool> condition, TimeSpan? timeout = null)
    {
        KpiReport? last = null;
        try
        {
            await Testing.Eventually.UntilAsync(async () =>
            {
                last = await GetKpisAsync(partnerId);
                return last is not null && condition(last.Totals);
            }, timeout ?? TimeSpan.FromSeconds(30), because: $"KPIs of partner {partnerId}");
        }
        catch (TimeoutException timedOut)
        {
            // The last answer is only known now, not when the wait's message was built.
            throw new TimeoutException($"{timedOut.Message} Last answer: {JsonSerializer.Serialize(last)}", timedOut);
        }

        return last!;
    }
}

public sealed record Partner(Guid Id, string Name, string Email, decimal CommissionRate);

public sealed record Link(Guid Id, Guid PartnerId, string Code, string TrackingPath);

public sealed record Conversion(Guid ConversionId, string OrderId, bool Attributed, Guid? PartnerId, decimal CommissionAmount);

public sealed record KpiReport(Guid PartnerId, IReadOnlyList<KpiDay> Days, KpiTotals Totals);

/// <param name="Orders">Orders in all currencies.</param>
/// <param name="Sales">Money per currency, sorted by currency code; empty without orders.</param>
public sealed record KpiDay(DateOnly Day, long Clicks, long Orders, IReadOnlyList<KpiSales> Sales);

/// <param name="Orders">Orders in all currencies.</param>
/// <param name="Sales">Money per currency, sorted by currency code; empty without orders.</param>
public sealed record KpiTotals(long Clicks, long Orders, IReadOnlyList<KpiSales> Sales)
{
    /// <summary>The entry for that currency; null when there were no sales in it.</summary>
    public KpiSales? SalesIn(string currency) => Sales.SingleOrDefault(entry => entry.Currency == currency);
}

public sealed record KpiSales(string Currency, long Orders, decimal Revenue, decimal Commission, decimal AverageOrderValue);
