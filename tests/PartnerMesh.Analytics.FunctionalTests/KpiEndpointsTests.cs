using System.Net;
using PartnerMesh.Analytics.Api.Kpis;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

public class KpiEndpointsTests(AnalyticsApiFactory factory) : IClassFixture<AnalyticsApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    [Fact]
    public async Task GetDaily_WithoutToken_Returns401()
    {
        var response = await factory.CreateAnonymousClient().GetAsync(DailyUrl(Guid.NewGuid()), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task GetDaily_WithStorefrontScope_Returns403()
    {
        var response = await factory.CreateClientWithScopes(PartnerMeshScopes.Storefront).GetAsync(DailyUrl(Guid.NewGuid()), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task GetDaily_ForAnotherPartner_Returns403Problem()
    {
        var client = factory.CreatePartnerClient(Guid.NewGuid());

        var response = await client.GetAsync(DailyUrl(Guid.NewGuid()), Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task GetDaily_ForOwnPartner_ReturnsDaysWithDataAndTotals()
    {
        var partnerId = Guid.NewGuid();
        await factory.PublishAsync(TestEvents.PartnerRegistered(partnerId, "Cashback Heroes"));
        var first = new DateTimeOffset(2025, 6, 1, 8, 0, 0, TimeSpan.Zero);
        var third = first.AddDays(2);
        var clicks = Enumerable.Range(0, 4).Select(i => Events.Click(partnerId, first.AddMinutes(i))).ToList();
        foreach (var click in clicks)
        {
            await factory.PublishAsync(click);
        }

        await factory.PublishAsync(Events.Conversion(partnerId, first.AddHours(1), 100.00m, 10.00m, clickId: clicks[0].ClickId));
        await factory.PublishAsync(Events.Click(partnerId, third));
        await factory.PublishAsync(Events.Click(partnerId, third.AddMinutes(1)));
        await factory.WaitForPartnerAsync(partnerId);
        await factory.WaitForAsync(partnerId, new DateOnly(2025, 6, 1), kpi => kpi is { Clicks: 4, Orders: 1, ConvertedClicks: 1 });
        await factory.WaitForAsync(partnerId, new DateOnly(2025, 6, 3), kpi => kpi.Clicks == 2);

        var report = await factory.CreatePartnerClient(partnerId)
            .GetAsync(DailyUrl(partnerId, "?from=2025-05-25&to=2025-06-10"), Ct)
            .ShouldBeOkAsync<PartnerDailyKpisResponse>();

        Assert.Equal(partnerId, report.PartnerId);
        Assert.Equal("Cashback Heroes", report.PartnerName);
        Assert.Equal(new DateOnly(2025, 5, 25), report.From);
        Assert.Equal(new DateOnly(2025, 6, 10), report.To);
        Assert.Equal(
            [
                (new DateOnly(2025, 6, 1), 4L, 1L, 0.25m, 0.25m),
                (new DateOnly(2025, 6, 3), 2L, 0L, 0m, 0m),
            ],
            report.Days.Select(day => (day.Day, day.Clicks, day.Orders, day.ConversionRate, day.OrdersPerClick)));
        Assert.Equal([new SalesResponse("EUR", 1, 100.00m, 100.00m, 10.00m, 100.00m)], report.Days[0].Sales);
        Assert.Empty(report.Days[1].Sales);
        Assert.Equal(
            (6L, 1L, 1L, 1L, 0.1667m, 0.1667m),
            (report.Totals.Clicks, report.Totals.Orders, report.Totals.ConvertedClicks, report.Totals.OrdersFromClicks,
                report.Totals.ConversionRate, report.Totals.OrdersPerClick));
        Assert.Equal([new SalesResponse("EUR", 1, 100.00m, 100.00m, 10.00m, 100.00m)], report.Totals.Sales);
    }

    [Fact]
    public async Task GetDaily_AsAdmin_ReadsAnyPartner()
    {
        var partnerId = Guid.NewGuid();
        await factory.PublishAsync(Events.Conversion(partnerId, new DateTimeOffset(2025, 7, 1, 12, 0, 0, TimeSpan.Zero), 50m, 5m));
        await factory.PublishAsync(Events.Conversion(partnerId, new DateTimeOffset(2025, 7, 1, 13, 0, 0, TimeSpan.Zero), 25m, 2.5m));
        await factory.WaitForAsync(partnerId, new DateOnly(2025, 7, 1), kpi => kpi.Orders == 2);

        var report = await factory.CreateClientWithScopes(PartnerMeshScopes.Admin)
            .GetAsync(DailyUrl(partnerId, "?from=2025-07-01&to=2025-07-01"), Ct)
            .ShouldBeOkAsync<PartnerDailyKpisResponse>();

        Assert.Null(report.PartnerName);
        var day = Assert.Single(report.Days);
        Assert.Equal((null, null), (day.ConversionRate, day.OrdersPerClick));
        Assert.Equal((0L, 2L, null), (report.Totals.Clicks, report.Totals.Orders, report.Totals.ConversionRate));
        Assert.Equal([new SalesResponse("EUR", 2, 75m, 75m, 7.5m, 37.50m)], report.Totals.Sales);
    }

    [Fact]
    public async Task GetDaily_WithOrdersInTwoCurrencies_ReportsEachCurrencyApartNeverASum()
    {
        var partnerId = Guid.NewGuid();
        var (first, second) = (new DateTimeOffset(2025, 8, 1, 12, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 8, 2, 12, 0, 0, TimeSpan.Zero));
        await factory.PublishAsync(Events.Conversion(partnerId, first, 100m, 10m, "EUR"));
        await factory.PublishAsync(Events.Conversion(partnerId, first, 60m, 6m, "USD"));
        await factory.PublishAsync(Events.Conversion(partnerId, second, 50m, 5m, "EUR"));
        await factory.WaitForAsync(partnerId, new DateOnly(2025, 8, 1), kpi => kpi.Orders == 2);
        await factory.WaitForAsync(partnerId, new DateOnly(2025, 8, 2), kpi => kpi.Orders == 1);

        var report = await factory.CreatePartnerClient(partnerId)
            .GetAsync(DailyUrl(partnerId, "?from=2025-08-01&to=2025-08-02"), Ct)
            .ShouldBeOkAsync<PartnerDailyKpisResponse>();

        Assert.Equal(
            [new SalesResponse("EUR", 1, 100m, 100m, 10m, 100m), new SalesResponse("USD", 1, 60m, 60m, 6m, 60m)],
            report.Days[0].Sales);
        Assert.Equal(2, report.Days[0].Orders);
        Assert.Equal(
            [new SalesResponse("EUR", 2, 150m, 150m, 15m, 75m), new SalesResponse("USD", 1, 60m, 60m, 6m, 60m)],
            report.Totals.Sales);
        Assert.Equal(3, report.Totals.Orders);
    }

    [Fact]
    public async Task GetDaily_WhileOrdersArrive_NeverShowsMoneyWithoutItsOrder()
    {
        var partnerId = Guid.NewGuid();
        var orderedAt = new DateTimeOffset(2025, 9, 1, 12, 0, 0, TimeSpan.Zero);
        const int orders = 200;
        var publishing = Task.WhenAll(Enumerable.Range(0, orders)
            .Select(i => factory.PublishAsync(Events.Conversion(partnerId, orderedAt.AddMinutes(i), 10m, 1m, i % 2 == 0 ? "EUR" : "USD"))));

        // Readers race the consumers: orders and their money live in two tables, and every read must see both or neither.
        // The deadline is generous (200 consumers and 4 readers share two cores); a short pause leaves the consumers CPU.
        var clients = Enumerable.Range(0, 4).Select(_ => factory.CreatePartnerClient(partnerId)).ToList();
        try
        {
            await ReadUntilAllCountedAsync(clients);
        }
        finally
        {
            clients.ForEach(client => client.Dispose());
        }

        async Task ReadUntilAllCountedAsync(List<HttpClient> readers)
        {
            var deadline = DateTime.UtcNow.AddSeconds(90);
            var reading = readers.Select(client => Task.Run(async () =>
            {
                while (DateTime.UtcNow < deadline)
                {
                    var totals = (await client.GetAsync(DailyUrl(partnerId, "?from=2025-09-01&to=2025-09-01"), Ct)
                        .ShouldBeOkAsync<PartnerDailyKpisResponse>()).Totals;
                    Assert.Equal(totals.Orders, totals.Sales.Sum(sales => sales.Orders));
                    Assert.Equal(totals.Orders * 10m, totals.Sales.Sum(sales => sales.Revenue));
                    if (totals.Orders == orders)
                    {
                        return;
                    }

                    await Task.Delay(5, Ct);
                }

                Assert.Fail($"Not all {orders} orders were counted within 90 s.");
            }, Ct)).ToList();

            await Task.WhenAll([publishing, .. reading]);
        }
    }

    [Fact]
    public async Task GetDaily_WithoutRange_CoversLast30DaysEndingToday()
    {
        var partnerId = Guid.NewGuid();
        var before = Today;

        var report = await factory.CreatePartnerClient(partnerId).GetAsync(DailyUrl(partnerId), Ct)
            .ShouldBeOkAsync<PartnerDailyKpisResponse>();

        Assert.Contains(report.To, new[] { before, Today });
        Assert.Equal(report.To.AddDays(-29), report.From);
        Assert.Empty(report.Days);
        Assert.Equal((0L, 0L, null, null), (report.Totals.Clicks, report.Totals.Orders, report.Totals.ConversionRate, report.Totals.OrdersPerClick));
        Assert.Empty(report.Totals.Sales);
    }

    [Fact]
    public async Task GetDaily_WithOnlyTo_Covers30DaysEndingThere()
    {
        var partnerId = Guid.NewGuid();

        var report = await factory.CreatePartnerClient(partnerId).GetAsync(DailyUrl(partnerId, "?to=2025-03-31"), Ct)
            .ShouldBeOkAsync<PartnerDailyKpisResponse>();

        Assert.Equal(new DateOnly(2025, 3, 2), report.From);
        Assert.Equal(new DateOnly(2025, 3, 31), report.To);
    }

    [Theory]
    [InlineData("?from=2024-01-01&to=2024-12-31")]
    [InlineData("?to=1583-01-05")]
    [InlineData("?from=9998-12-01&to=9998-12-31")]
    public async Task GetDaily_WithRangeAtTheLimits_ReturnsOk(string query)
    {
        var partnerId = Guid.NewGuid();

        var response = await factory.CreatePartnerClient(partnerId).GetAsync(DailyUrl(partnerId, query), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("?from=2024-01-01&to=2025-01-01")]
    [InlineData("?from=2025-02-02&to=2025-02-01")]
    [InlineData("?from=2025-13-01")]
    [InlineData("?from=2025-02-30&to=2025-03-01")]
    [InlineData("?from=yesterday")]
    [InlineData("?to=2025-1-5")]
    [InlineData("?from=&to=2025-01-05")]
    [InlineData("?from=01/05/2025&to=2025-01-05")]
    [InlineData("?to=0001-01-05")]
    [InlineData("?from=9999-12-01&to=9999-12-31")]
    public async Task GetDaily_WithBadRange_Returns400(string query)
    {
        var partnerId = Guid.NewGuid();

        var response = await factory.CreatePartnerClient(partnerId).GetAsync(DailyUrl(partnerId, query), Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task GetDaily_WithMalformedPartnerId_Returns404Problem()
    {
        var response = await factory.CreateClientWithScopes(PartnerMeshScopes.Admin)
            .GetAsync("/api/analytics/partners/not-a-guid/daily", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task GetPartners_AsAdmin_ListsTheDayByOrdersThenClicks()
    {
        // A day no other test writes to, so the list holds exactly these partners.
        var day = new DateTimeOffset(2020, 2, 29, 12, 0, 0, TimeSpan.Zero);
        var (small, big, clicksOnly) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await factory.PublishAsync(TestEvents.PartnerRegistered(big, "Big Spender Media"));
        var smallClick = Events.Click(small, day);
        await factory.PublishAsync(Events.Conversion(small, day, 50m, 5m, clickId: smallClick.ClickId));
        await factory.PublishAsync(smallClick);
        await factory.PublishAsync(Events.Click(small, day));
        await factory.PublishAsync(Events.Conversion(big, day, 300m, 30m));
        await factory.PublishAsync(Events.Conversion(big, day, 20m, 2m, "USD"));
        await factory.PublishAsync(Events.Click(clicksOnly, day));
        await factory.WaitForPartnerAsync(big);
        await factory.WaitForAsync(small, new DateOnly(2020, 2, 29), kpi => kpi is { Orders: 1, Clicks: 2, ConvertedClicks: 1 });
        await factory.WaitForAsync(big, new DateOnly(2020, 2, 29), kpi => kpi.Orders == 2);
        await factory.WaitForAsync(clicksOnly, new DateOnly(2020, 2, 29), kpi => kpi.Clicks == 1);

        var result = await factory.CreateClientWithScopes(PartnerMeshScopes.Admin)
            .GetAsync("/api/analytics/partners?day=2020-02-29", Ct)
            .ShouldBeOkAsync<PartnersDayResponse>();

        Assert.Equal(new DateOnly(2020, 2, 29), result.Day);
        Assert.Equal([big, small, clicksOnly], result.Partners.Select(partner => partner.PartnerId));
        Assert.Equal(
            [("Big Spender Media", 0L, 2L, null, null), (null, 2L, 1L, 0.5m, 0.5m), (null, 1L, 0L, 0m, 0m)],
            result.Partners.Select(partner => (partner.PartnerName, partner.Clicks, partner.Orders, partner.ConversionRate, partner.OrdersPerClick)));
        Assert.Equal([new SalesResponse("EUR", 1, 300m, 300m, 30m, 300m), new SalesResponse("USD", 1, 20m, 20m, 2m, 20m)], result.Partners[0].Sales);
        Assert.Equal([new SalesResponse("EUR", 1, 50m, 50m, 5m, 50m)], result.Partners[1].Sales);
        Assert.Empty(result.Partners[2].Sales);
    }

    [Fact]
    public async Task GetPartners_WithoutDay_ReportsTodayUtc()
    {
        var before = Today;

        var result = await factory.CreateClientWithScopes(PartnerMeshScopes.Admin).GetAsync("/api/analytics/partners", Ct)
            .ShouldBeOkAsync<PartnersDayResponse>();

        Assert.Contains(result.Day, new[] { before, Today });
    }

    [Fact]
    public async Task GetPartners_AsPartner_Returns403()
    {
        var response = await factory.CreatePartnerClient(Guid.NewGuid()).GetAsync("/api/analytics/partners", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task GetPartners_WithoutToken_Returns401()
    {
        var response = await factory.CreateAnonymousClient().GetAsync("/api/analytics/partners", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("2020-02-30")]
    [InlineData("today")]
    [InlineData("")]
    public async Task GetPartners_WithBadDay_Returns400(string day)
    {
        var response = await factory.CreateClientWithScopes(PartnerMeshScopes.Admin).GetAsync($"/api/analytics/partners?day={day}", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task OpenApi_IsServedAnonymously()
    {
        var response = await factory.CreateAnonymousClient().GetAsync("/openapi/v1.json", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("/api/analytics/partners/{partnerId}/daily", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    private static string DailyUrl(Guid partnerId, string query = "") => $"/api/analytics/partners/{partnerId}/daily{query}";
}
