using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Attribution.Api.Conversions;
using PartnerMesh.Attribution.Api.Payouts;
using PartnerMesh.Attribution.Api.Programs;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Attribution.FunctionalTests.ProgramHelpers;

namespace PartnerMesh.Attribution.FunctionalTests;

/// <summary>Money in different currencies is never added: budgets, reports and the codes a currency field accepts.</summary>
public class CurrencyTests(AttributionApiFactory factory) : IClassFixture<AttributionApiFactory>
{
    private readonly HttpClient _admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
    private readonly HttpClient _storefront = factory.CreateClientWithScopes(PartnerMeshScopes.Storefront);
    private readonly HttpClient _shopper = factory.CreateAnonymousClient();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("budget")]
    [InlineData("partnerBudget")]
    public async Task OrdersInAnotherCurrency_UnderABudget_AreHeldForReview_NeitherUncappedNorDropped(string budget)
    {
        var program = await _admin.CreateProgramAsync(new Dictionary<string, object>
        {
            ["currency"] = "EUR", [budget] = 15, ["holdDays"] = 0, ["plan"] = new { type = "percent", rate = 0.10 },
        });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id);
        var code = (await _admin.CreateLinkAsync(partner.Id)).Code;

        var euros = new List<ConversionResponse>();
        foreach (var amount in new[] { 100m, 100m })
        {
            euros.Add(await _storefront.ConvertAsync(Order(amount, await _shopper.ClickAsync(code))));
        }

        var foreign = new List<ConversionResponse>();
        foreach (var (amount, currency) in new[] { (100m, "USD"), (100m, "GBP"), (100m, "JPY") })
        {
            foreign.Add(await _storefront.ConvertAsync(Order(amount, await _shopper.ClickAsync(code), currency)));
        }

        Assert.Equal([(10.00m, null), (5.00m, ConversionService.NoteBudgetCapped)], euros.Select(c => (c.CommissionAmount, c.CommissionNote)));
        var entries = await factory.QueryDbAsync(db => db.Commissions.Where(c => c.PartnerId == partner.Id && c.Currency != "EUR").ToListAsync(Ct));
        Assert.Equal(["GBP", "JPY", "USD"], entries.Select(e => e.Currency).Order());
        Assert.All(entries, entry => Assert.Equal((10m, CommissionStatus.Held, FraudRules.ForeignCurrency), (entry.Amount, entry.Status, entry.HoldReasons)));
        var held = await factory.OutboxEventsAsync<CommissionHeld>(e => e.PartnerId == partner.Id);
        Assert.Equal(3, held.Count(e => e.Reasons.SequenceEqual([FraudRules.ForeignCurrency])));
        Assert.Empty(await factory.OutboxEventsAsync<FraudFlagRaised>(e => e.PartnerId == partner.Id));

        // Approval never reaches them until a reviewer has looked; the ledger keeps each currency apart.
        await _admin.PostAsync("/api/attribution/commissions/approve-due", null, Ct);
        var ledger = await _admin.GetFromJsonAsync<LedgerResponse>($"/api/attribution/partners/{partner.Id}/ledger", Ct);
        Assert.Equal([("EUR", 15.00m, 0m), ("GBP", 0m, 10.00m), ("JPY", 0m, 10m), ("USD", 0m, 10.00m)],
            ledger!.Totals.Select(t => (t.Currency, t.Approved, t.Held)));
    }

    [Fact]
    public async Task OrdersInAnotherCurrency_WithoutABudget_AreBookedInTheirOwnCurrency()
    {
        var program = await _admin.CreateProgramAsync(new { currency = "EUR", plan = new { type = "percent", rate = 0.10 } });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id);

        var conversion = await _storefront.ConvertAsync(Order(100m, await _shopper.ClickAsync((await _admin.CreateLinkAsync(partner.Id)).Code), "USD"));

        var entry = await factory.QueryDbAsync(db => db.Commissions.SingleAsync(c => c.PartnerId == partner.Id, Ct));
        Assert.Equal((10.00m, "USD", CommissionStatus.Pending), (conversion.CommissionAmount, entry.Currency, entry.Status));
        Assert.Equal("USD", conversion.CommissionCurrency);
    }

    [Fact]
    public async Task FixedPlan_OrderInAnotherCurrency_AnswersTheCommissionAsBooked_InTheProgramCurrency()
    {
        var program = await _admin.CreateProgramAsync(new { currency = "EUR", holdDays = 0, plan = new { type = "fixed", fixedAmount = 5 } });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id);
        var order = Order(100m, await _shopper.ClickAsync((await _admin.CreateLinkAsync(partner.Id)).Code), "USD");

        var conversion = await _storefront.ConvertAsync(order);
        var stored = await _storefront.GetFromJsonAsync<ConversionResponse>($"/api/attribution/conversions/{order.OrderId}", Ct);

        var entry = await factory.QueryDbAsync(db => db.Commissions.SingleAsync(c => c.PartnerId == partner.Id, Ct));
        Assert.Equal((5.00m, "EUR", CommissionStatus.Pending), (entry.Amount, entry.Currency, entry.Status));
        Assert.Equal((100.00m, "USD", 5.00m, "EUR", null), (conversion.Amount, conversion.Currency, conversion.CommissionAmount, conversion.CommissionCurrency, conversion.CommissionNote));
        Assert.Equal((5.00m, "EUR"), (stored!.CommissionAmount, stored.CommissionCurrency));
        // The event states the commission as booked, with its own currency beside the order's.
        var attributed = Assert.Single(await factory.OutboxEventsAsync<ConversionAttributed>(e => e.OrderId == order.OrderId));
        Assert.Equal(("USD", 5.00m, "EUR"), (attributed.Currency, attributed.CommissionAmount, attributed.CommissionCurrency));
        var booked = Assert.Single(await factory.OutboxEventsAsync<CommissionBooked>(e => e.PartnerId == partner.Id));
        Assert.Equal((5.00m, "EUR"), (booked.Amount, booked.Currency));
    }

    [Fact]
    public async Task AmbassadorValue_ReportsRevenuePerCurrency()
    {
        var program = await _admin.CreateProgramAsync(new { currency = "EUR" });
        var ambassador = await (await _storefront.PostAsJsonAsync("/api/attribution/ambassadors",
            new { programId = program.Id, customerId = $"cust-{Guid.NewGuid():N}", email = AttributionClientExtensions.UniqueEmail(), targetUrl = "https://shop.example/" }, Ct))
            .ShouldBeAsync<Api.Partners.AmbassadorResponse>(HttpStatusCode.Created);
        await _storefront.ConvertAsync(Order(100m, await _shopper.ClickAsVisitorAsync(ambassador.Code, NewVisitor())));
        await _storefront.ConvertAsync(Order(10_000m, await _shopper.ClickAsVisitorAsync(ambassador.Code, NewVisitor()), "JPY"));

        var value = await _admin.GetFromJsonAsync<AmbassadorValue>($"/api/attribution/programs/{program.Id}/ambassador-value", Ct);

        Assert.Equal((1, 1, 2L, 1m, 2m), (value!.Ambassadors, value.Sharers, value.Visits, value.ShareRate, value.VisitsPerShare));
        Assert.Equal([new("EUR", 100.00m, 50.00m, 100.00m), new AmbassadorRevenue("JPY", 10_000m, 5_000m, 10_000m)], value.Revenue);
    }

    [Fact]
    public async Task AmbassadorValue_InAThreeDecimalCurrency_ProjectsToTheFils()
    {
        var program = await _admin.CreateProgramAsync(new { currency = "KWD" });
        var ambassador = await CreateAmbassadorAsync(program.Id);
        await _storefront.ConvertAsync(Order(1.234m, await _shopper.ClickAsVisitorAsync(ambassador.Code, NewVisitor()), "KWD"));

        var value = await _admin.GetFromJsonAsync<AmbassadorValue>($"/api/attribution/programs/{program.Id}/ambassador-value", Ct);

        Assert.Equal([new AmbassadorRevenue("KWD", 1.234m, 1.234m, 1.234m)], value!.Revenue);
    }

    [Fact]
    public async Task AmbassadorValue_ProjectsFromTheExactRatios_NotTheRoundedOnesItDisplays()
    {
        var program = await _admin.CreateProgramAsync(new { currency = "EUR" });
        var ambassadors = new List<Api.Partners.AmbassadorResponse>();
        for (var i = 0; i < 3; i++)
        {
            ambassadors.Add(await CreateAmbassadorAsync(program.Id));
        }

        await _storefront.ConvertAsync(Order(300m, await _shopper.ClickAsVisitorAsync(ambassadors[0].Code, NewVisitor())));

        var value = await _admin.GetFromJsonAsync<AmbassadorValue>($"/api/attribution/programs/{program.Id}/ambassador-value", Ct);

        // 3 × 1/3 × 1 × 300 is the measured 300, though the displayed share rate is 0.3333.
        Assert.Equal((3, 1, 1L, 0.3333m, 1m), (value!.Ambassadors, value.Sharers, value.Visits, value.ShareRate, value.VisitsPerShare));
        Assert.Equal([new AmbassadorRevenue("EUR", 300.00m, 300.00m, 300.00m)], value.Revenue);
    }

    private async Task<Api.Partners.AmbassadorResponse> CreateAmbassadorAsync(Guid programId) =>
        await (await _storefront.PostAsJsonAsync("/api/attribution/ambassadors",
            new { programId, customerId = $"cust-{Guid.NewGuid():N}", email = AttributionClientExtensions.UniqueEmail(), targetUrl = "https://shop.example/" }, Ct))
            .ShouldBeAsync<Api.Partners.AmbassadorResponse>(HttpStatusCode.Created);

    public static TheoryData<string, string> NotMoney => new()
    {
        { "/api/attribution/conversions", "XXX" },
        { "/api/attribution/conversions", "XTS" },
        { "/api/attribution/conversions", "XAU" },
        { "/api/attribution/conversions", "XYZ" },
        { "/api/attribution/refunds", "ABC" },
        { "/api/attribution/refunds", "XXX" },
        { "/api/attribution/programs", "XXX" },
        { "/api/attribution/programs", "XPT" },
    };

    [Theory]
    [MemberData(nameof(NotMoney))]
    public async Task CodesThatNameNoMoney_AreRefused_NamingTheCurrencyField(string path, string currency)
    {
        object body = path switch
        {
            "/api/attribution/conversions" => new { orderId = NewOrderId(), amount = 10m, currency },
            "/api/attribution/refunds" => new { refundId = $"refund-{Guid.NewGuid():N}", orderId = NewOrderId(), kind = "refund", amount = 10m, currency },
            _ => new { name = "No money", currency },
        };

        var response = await (path == "/api/attribution/programs" ? _admin : _storefront).PostAsJsonAsync(path, body, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("\"currency\"", problem.Extensions["errors"]!.ToString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PartnerWithoutAProgram_CannotHaveABudget_ItWouldHaveNoCurrency()
    {
        var response = await _admin.PostAsJsonAsync("/api/attribution/partners",
            new { name = "Solo", email = AttributionClientExtensions.UniqueEmail(), kind = "affiliate", commissionRate = 0.1, budget = 15 }, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("budget", problem.Extensions["errors"]!.ToString()!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("JPY", "10.5")]
    [InlineData("KWD", "1.0005")]
    [InlineData("EUR", "0.001")]
    public async Task PartnerBudget_WithMoreDecimalsThanTheProgramCurrency_Is400_SoTheCapCanNeverPassIt(string currency, string budget)
    {
        var program = await _admin.CreateProgramAsync(new { currency });

        var response = await _admin.PostAsJsonAsync("/api/attribution/partners", new
        {
            name = "Budgeted", email = AttributionClientExtensions.UniqueEmail(), kind = "affiliate", programId = program.Id,
            budget = decimal.Parse(budget, System.Globalization.CultureInfo.InvariantCulture),
        }, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("\"budget\"", problem.Extensions["errors"]!.ToString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PartnerBudget_AtTheProgramCurrencyMinorUnit_CapsTheSaleAtExactlyTheBudget()
    {
        var program = await _admin.CreateProgramAsync(new { currency = "JPY", holdDays = 0, plan = new { type = "percent", rate = 0.10 } });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id, budget: 10m);
        var code = (await _admin.CreateLinkAsync(partner.Id)).Code;

        var sale = await _storefront.ConvertAsync(Order(1000m, await _shopper.ClickAsync(code), "JPY"));

        Assert.Equal((10m, "JPY", "budget-capped"), (sale.CommissionAmount, sale.CommissionCurrency, sale.CommissionNote));
    }
}
