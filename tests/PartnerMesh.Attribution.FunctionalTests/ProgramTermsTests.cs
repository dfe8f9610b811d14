using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Attribution.Api.Conversions;
using PartnerMesh.Attribution.Api.Programs;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Attribution.FunctionalTests.ProgramHelpers;

namespace PartnerMesh.Attribution.FunctionalTests;

/// <summary>Programs and their terms: attribution models, precedence, plans, tiers, milestones, budgets, agreements.</summary>
public class ProgramTermsTests(AttributionApiFactory factory) : IClassFixture<AttributionApiFactory>
{
    private readonly HttpClient _admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
    private readonly HttpClient _storefront = factory.CreateClientWithScopes(PartnerMeshScopes.Storefront);
    private readonly HttpClient _shopper = factory.CreateAnonymousClient();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateProgram_Defaults_LastClick30DayWindowAnd30DayHold()
    {
        var program = await _admin.CreateProgramAsync();

        Assert.Equal(("last-click", 30, 30, true, true, 1), (program.AttributionModel, program.WindowDays, program.HoldDays, program.CouponPrecedence, program.CustomerCarriesCredit, program.PlanVersion));
    }

    public static TheoryData<string, object> InvalidPrograms => new()
    {
        { "windowDays", new { name = "p", currency = "EUR", windowDays = 0 } },
        { "windowDays", new { name = "p", currency = "EUR", windowDays = 91 } },
        { "attributionModel", new { name = "p", currency = "EUR", attributionModel = "linear" } },
        { "currency", new { name = "p", currency = " EUR" } },
        { "name", new { currency = "EUR" } },
        { "plan.rate", new { name = "p", currency = "EUR", plan = new { type = "percent", rate = -0.1 } } },
        { "plan.rate", new { name = "p", currency = "EUR", plan = new { type = "percent", rate = 1.5 } } },
        { "plan.fixedAmount", new { name = "p", currency = "JPY", plan = new { type = "fixed", fixedAmount = 100.5 } } },
        { "plan.fixedAmount", new { name = "p", currency = "KWD", plan = new { type = "fixed", fixedAmount = 1.2345 } } },
        { "plan.tiers", new { name = "p", currency = "EUR", plan = new { type = "percent", rate = 0.1, tiers = new[] { new { minConversions = 10, rate = 0.2 }, new { minConversions = 5, rate = 0.3 } } } } },
        { "plan.milestones", new { name = "p", currency = "EUR", plan = new { type = "percent", rate = 0.1, milestones = new[] { new { orderCount = 2, activeDays = 30, bonus = 5 } } } } },
        { "plan.milestones[1].orderCount", new { name = "p", currency = "EUR", plan = new { type = "percent", rate = 0.1, milestones = new[] { new { orderCount = 2, bonus = 5 }, new { orderCount = 2, bonus = 7 } } } } },
        { "plan.milestones[2].activeDays", new { name = "p", currency = "EUR", plan = new { type = "percent", rate = 0.1, milestones = new object[] { new { activeDays = 30, bonus = 3 }, new { orderCount = 30, bonus = 3 }, new { activeDays = 30, bonus = 4 } } } } },
        { "allowedHosts", new { name = "p", currency = "EUR", allowedHosts = new[] { "https://shop.example/" } } },
        { "fallbackUrl", new { name = "p", currency = "EUR", fallbackUrl = "javascript:alert(1)" } },
        { "budget", new { name = "p", currency = "EUR", budget = -1 } },
        { "plan.categories.books.rate", new { name = "p", currency = "EUR", plan = new { type = "fixed", fixedAmount = 5, categories = new { books = new { rate = 0.2 } } } } },
        { "plan.categories.books.fixedAmount", new { name = "p", currency = "EUR", plan = new { type = "percent", rate = 0.1, categories = new { books = new { fixedAmount = 3 } } } } },
        { "plan.tiers[0].rate", new { name = "p", currency = "EUR", plan = new { type = "fixed", fixedAmount = 5, tiers = new[] { new { minConversions = 2, rate = 0.2 } } } } },
        { "plan.tiers[0].fixedAmount", new { name = "p", currency = "EUR", plan = new { type = "percent", rate = 0.1, tiers = new[] { new { minConversions = 2, fixedAmount = 3 } } } } },
        { "plan.tiers[0].rate", new { name = "p", currency = "EUR", plan = new { type = "percent", rate = 0.1, tiers = new[] { new { minConversions = 2 } } } } },
        { "plan.tiers[1].fixedAmount", new { name = "p", currency = "EUR", plan = new { type = "fixed", fixedAmount = 5, tiers = new object[] { new { minConversions = 2, fixedAmount = 6 }, new { minConversions = 5 } } } } },
    };

    [Theory]
    [MemberData(nameof(InvalidPrograms))]
    public async Task CreateProgram_Invalid_Returns400NamingTheField(string field, object body)
    {
        var response = await _admin.PostAsJsonAsync("/api/attribution/programs", body, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.Extensions["errors"]!.ToString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateProgram_MoreThan20Milestones_Returns400NamingTheLimit()
    {
        object Plan(int count) => new
        {
            name = "p", currency = "EUR",
            plan = new { type = "percent", rate = 0.1, milestones = Enumerable.Range(2, count).Select(orderCount => new { orderCount, bonus = 1 }) },
        };

        await (await _admin.PostAsJsonAsync("/api/attribution/programs", Plan(20), Ct)).ShouldBeAsync<ProgramResponse>(HttpStatusCode.Created);
        var problem = await (await _admin.PostAsJsonAsync("/api/attribution/programs", Plan(21), Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("at most 20 milestones", problem.Extensions["errors"]!.ToString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Programs_AreAdminOnly()
    {
        var partner = factory.CreatePartnerClient(Guid.NewGuid());
        var storefront = _storefront;

        Assert.Equal(HttpStatusCode.Forbidden, (await partner.PostAsJsonAsync("/api/attribution/programs", new { name = "p", currency = "EUR" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await storefront.GetAsync("/api/attribution/programs", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _shopper.GetAsync("/api/attribution/programs", Ct)).StatusCode);
    }

    [Fact]
    public async Task FirstClick_CreditsTheFirstPartnerTheVisitorCameThrough()
    {
        var program = await _admin.CreateProgramAsync(new { attributionModel = "first-click" });
        var first = await _admin.CreateProgramPartnerAsync(program.Id);
        var second = await _admin.CreateProgramPartnerAsync(program.Id);
        var visitor = NewVisitor();
        await _shopper.ClickAsVisitorAsync((await _admin.CreateLinkAsync(first.Id)).Code, visitor);
        var lastClick = await _shopper.ClickAsVisitorAsync((await _admin.CreateLinkAsync(second.Id)).Code, visitor);

        var conversion = await _storefront.ConvertAsync(Order(100m, lastClick));

        Assert.Equal((first.Id, "first-click", 10.00m), (conversion.PartnerId, conversion.Reason, conversion.CommissionAmount));
    }

    [Fact]
    public async Task FirstClick_AFloodOfLaterClicksFromAnotherPartner_DoesNotHideTheFirst()
    {
        var program = await _admin.CreateProgramAsync(new { attributionModel = "first-click" });
        var first = await _admin.CreateProgramPartnerAsync(program.Id);
        var flooder = await _admin.CreateProgramPartnerAsync(program.Id);
        var visitor = NewVisitor();
        await _shopper.ClickAsVisitorAsync((await _admin.CreateLinkAsync(first.Id)).Code, visitor);
        var floodLink = await _admin.CreateLinkAsync(flooder.Id);
        var lastClick = await _shopper.ClickAsVisitorAsync(floodLink.Code, visitor);
        var start = DateTimeOffset.UtcNow;
        await factory.FloodClicksAsync(floodLink, visitor, start);

        var conversion = await _storefront.ConvertAsync(Order(100m, lastClick) with { OrderedAt = start.AddSeconds(1) });

        Assert.Equal((first.Id, "first-click"), (conversion.PartnerId, conversion.Reason));
    }

    [Fact]
    public async Task LastClick_CreditsTheLatestPartnerOfTheVisitor_EvenWhenTheStorefrontReportsAnOlderClick()
    {
        var program = await _admin.CreateProgramAsync();
        var first = await _admin.CreateProgramPartnerAsync(program.Id);
        var second = await _admin.CreateProgramPartnerAsync(program.Id);
        var visitor = NewVisitor();
        var firstClick = await _shopper.ClickAsVisitorAsync((await _admin.CreateLinkAsync(first.Id)).Code, visitor);
        await _shopper.ClickAsVisitorAsync((await _admin.CreateLinkAsync(second.Id)).Code, visitor);

        var conversion = await _storefront.ConvertAsync(Order(100m, firstClick));

        Assert.Equal((second.Id, "last-click"), (conversion.PartnerId, conversion.Reason));
    }

    [Fact]
    public async Task LastClick_AShopperWhoReturnsToAnEarlierPartnersLink_CreditsThatPartner_ThoughTheRepeatCollapsed()
    {
        var program = await _admin.CreateProgramAsync();
        var returnedTo = await _admin.CreateProgramPartnerAsync(program.Id);
        var between = await _admin.CreateProgramPartnerAsync(program.Id);
        var code = (await _admin.CreateLinkAsync(returnedTo.Id)).Code;
        var visitor = NewVisitor();
        var firstClick = await _shopper.ClickAsVisitorAsync(code, visitor);
        await _shopper.ClickAsVisitorAsync((await _admin.CreateLinkAsync(between.Id)).Code, visitor);
        var repeat = await _shopper.ClickAsVisitorAsync(code, visitor);

        var conversion = await _storefront.ConvertAsync(Order(100m, repeat));

        Assert.Equal(firstClick, repeat);
        Assert.Equal((returnedTo.Id, "last-click", (Guid?)firstClick), (conversion.PartnerId, conversion.Reason, conversion.ClickId));
        Assert.Equal(1, await factory.QueryDbAsync(db => db.Clicks.CountAsync(c => c.PartnerId == returnedTo.Id && c.VisitorId == visitor, Ct)));
    }

    [Fact]
    public async Task FirstClick_ARepeatOfTheLaterPartnersClick_DoesNotMakeItFirst()
    {
        var program = await _admin.CreateProgramAsync(new { attributionModel = "first-click" });
        var first = await _admin.CreateProgramPartnerAsync(program.Id);
        var second = await _admin.CreateProgramPartnerAsync(program.Id);
        var firstCode = (await _admin.CreateLinkAsync(first.Id)).Code;
        var visitor = NewVisitor();
        await _shopper.ClickAsVisitorAsync(firstCode, visitor);
        var secondClick = await _shopper.ClickAsVisitorAsync((await _admin.CreateLinkAsync(second.Id)).Code, visitor);
        await _shopper.ClickAsVisitorAsync(firstCode, visitor);

        var conversion = await _storefront.ConvertAsync(Order(100m, secondClick));

        Assert.Equal((first.Id, "first-click"), (conversion.PartnerId, conversion.Reason));
    }

    [Fact]
    public async Task CouponCode_OfOnePartner_BeatsAnotherPartnersClick()
    {
        var program = await _admin.CreateProgramAsync();
        var codeOwner = await _admin.CreateProgramPartnerAsync(program.Id);
        var clicker = await _admin.CreateProgramPartnerAsync(program.Id);
        var code = (await _admin.CreateLinkAsync(codeOwner.Id)).Code;
        var click = await _shopper.ClickAsync((await _admin.CreateLinkAsync(clicker.Id)).Code);

        var conversion = await _storefront.ConvertAsync(Order(100m, click) with { CouponCode = code.ToUpperInvariant() });

        Assert.Equal((codeOwner.Id, "coupon-code"), (conversion.PartnerId, conversion.Reason));
    }

    [Fact]
    public async Task CouponCode_OfAnotherProgramsPartner_NeverTakesTheOrder()
    {
        var program = await _admin.CreateProgramAsync();
        var clicker = await _admin.CreateProgramPartnerAsync(program.Id);
        var outsider = await _admin.CreateProgramPartnerAsync((await _admin.CreateProgramAsync()).Id);
        var code = (await _admin.CreateLinkAsync(outsider.Id)).Code;
        var click = await _shopper.ClickAsync((await _admin.CreateLinkAsync(clicker.Id)).Code);

        var conversion = await _storefront.ConvertAsync(Order(100m, click) with { ProgramId = program.Id, CouponCode = code });

        Assert.Equal((clicker.Id, "last-click", program.Id), (conversion.PartnerId, conversion.Reason, conversion.ProgramId));
        Assert.False(await factory.QueryDbAsync(db => db.Commissions.AnyAsync(c => c.PartnerId == outsider.Id, Ct)));
    }

    [Fact]
    public async Task CouponRedeemedSignal_FromCoupons_CreditsTheCodePartner()
    {
        var program = await _admin.CreateProgramAsync();
        var codeOwner = await _admin.CreateProgramPartnerAsync(program.Id);
        var clicker = await _admin.CreateProgramPartnerAsync(program.Id);
        var click = await _shopper.ClickAsync((await _admin.CreateLinkAsync(clicker.Id)).Code);
        var order = Order(100m, click);
        await factory.QueryDbAsync(async db =>
        {
            db.CouponSignals.Add(new CouponSignal { OrderId = order.OrderId!, CodePartnerId = codeOwner.Id, Code = "SAVE10", RedeemedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
            return await db.SaveChangesAsync(Ct);
        });

        var conversion = await _storefront.ConvertAsync(order);

        Assert.Equal((codeOwner.Id, "coupon-code"), (conversion.PartnerId, conversion.Reason));
    }

    [Fact]
    public async Task CouponCodeWithoutPrecedence_LosesToTheClick()
    {
        var program = await _admin.CreateProgramAsync(new { couponPrecedence = false });
        var codeOwner = await _admin.CreateProgramPartnerAsync(program.Id);
        var clicker = await _admin.CreateProgramPartnerAsync(program.Id);
        var code = (await _admin.CreateLinkAsync(codeOwner.Id)).Code;
        var click = await _shopper.ClickAsync((await _admin.CreateLinkAsync(clicker.Id)).Code);

        var conversion = await _storefront.ConvertAsync(Order(100m, click) with { CouponCode = code });

        Assert.Equal(clicker.Id, conversion.PartnerId);
    }

    [Fact]
    public async Task ProgramWindow_ShorterThanTheClickAge_LeavesTheOrderUnattributed()
    {
        var program = await _admin.CreateProgramAsync(new { windowDays = 1 });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id);
        var click = await _shopper.ClickAsync((await _admin.CreateLinkAsync(partner.Id)).Code);
        await factory.QueryDbAsync(db => db.Clicks.Where(c => c.Id == click)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.OccurredAt, DateTimeOffset.UtcNow.AddDays(-2)), Ct));

        var conversion = await _storefront.ConvertAsync(Order(100m, click));

        Assert.Equal((false, "outside-window", (Guid?)null, 0m), (conversion.Attributed, conversion.Reason, conversion.PartnerId, conversion.CommissionAmount));
    }

    [Fact]
    public async Task Customer_CarriesTheCredit_AndEarnsRetentionMilestones()
    {
        var program = await _admin.CreateProgramAsync(new
        {
            plan = new { type = "percent", rate = 0.10, milestones = new object[] { new { orderCount = 2, bonus = 5 }, new { orderCount = 3, bonus = 7.5 } } },
        });
        var referrer = await _admin.CreateProgramPartnerAsync(program.Id);
        var other = await _admin.CreateProgramPartnerAsync(program.Id);
        var customer = $"cust-{Guid.NewGuid():N}";
        var click = await _shopper.ClickAsync((await _admin.CreateLinkAsync(referrer.Id)).Code);

        var first = await _storefront.ConvertAsync(Order(100m, click) with { CustomerId = customer });
        var second = await _storefront.ConvertAsync(Order(50m) with { CustomerId = customer });
        var otherClick = await _shopper.ClickAsync((await _admin.CreateLinkAsync(other.Id)).Code);
        var third = await _storefront.ConvertAsync(Order(20m, otherClick) with { CustomerId = customer });
        var fourth = await _storefront.ConvertAsync(Order(20m) with { CustomerId = customer });

        Assert.Equal(referrer.Id, first.PartnerId);
        Assert.Equal((referrer.Id, "customer-credit", 5.00m), (second.PartnerId, second.Reason, second.CommissionAmount));
        Assert.Equal((referrer.Id, "customer-credit"), (third.PartnerId, third.Reason));
        var milestones = await factory.QueryDbAsync(db => db.Commissions.Where(c => c.PartnerId == referrer.Id && c.Kind == "milestone")
            .OrderBy(c => c.Amount).Select(c => new { c.OrderId, c.Amount }).ToListAsync(Ct));
        Assert.Equal([(second.OrderId, 5m), (third.OrderId, 7.5m)], milestones.Select(m => (m.OrderId!, m.Amount)));
        Assert.DoesNotContain(milestones, m => m.OrderId == fourth.OrderId);
        var events = await factory.OutboxEventsAsync<RetentionMilestoneReached>(e => e.PartnerId == referrer.Id);
        Assert.Equal([2, 3], events.Select(e => e.Threshold).Order());
    }

    [Fact]
    public async Task ConcurrentOrdersOfOneCustomer_CountEveryOrderAndPayEachMilestoneOnce()
    {
        var program = await _admin.CreateProgramAsync(new { plan = new { type = "percent", rate = 0.10, milestones = new[] { new { orderCount = 3, bonus = 4 } } } });
        var referrer = await _admin.CreateProgramPartnerAsync(program.Id);
        var customer = $"cust-{Guid.NewGuid():N}";
        var click = await _shopper.ClickAsync((await _admin.CreateLinkAsync(referrer.Id)).Code);
        await _storefront.ConvertAsync(Order(100m, click) with { CustomerId = customer });

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            _storefront.PostAsJsonAsync("/api/attribution/conversions", Order(10m) with { CustomerId = customer, OrderedAt = Later }, Ct)));

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.Created, response.StatusCode));
        var credit = await factory.QueryDbAsync(db => db.CustomerCredits.SingleAsync(c => c.CustomerId == customer, Ct));
        Assert.Equal((referrer.Id, 7), (credit.PartnerId, credit.OrderCount));
        Assert.Equal(1, await factory.QueryDbAsync(db => db.Commissions.CountAsync(c => c.PartnerId == referrer.Id && c.Kind == "milestone", Ct)));
    }

    [Fact]
    public async Task ActiveDaysMilestone_PaysOnceWhenTheCustomerOrdersAgainAfterNDays()
    {
        var program = await _admin.CreateProgramAsync(new { plan = new { type = "percent", rate = 0.10, milestones = new[] { new { activeDays = 30, bonus = 10 } } } });
        var referrer = await _admin.CreateProgramPartnerAsync(program.Id);
        var customer = $"cust-{Guid.NewGuid():N}";
        var click = await _shopper.ClickAsync((await _admin.CreateLinkAsync(referrer.Id)).Code);
        await factory.QueryDbAsync(db => db.Clicks.Where(c => c.Id == click)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.OccurredAt, DateTimeOffset.UtcNow.AddDays(-45)), Ct));
        await _storefront.ConvertAsync(Order(100m, click) with { CustomerId = customer, OrderedAt = DateTimeOffset.UtcNow.AddDays(-40) });

        await _storefront.ConvertAsync(Order(10m) with { CustomerId = customer });
        await _storefront.ConvertAsync(Order(10m) with { CustomerId = customer });

        var bonuses = await factory.QueryDbAsync(db => db.Commissions.CountAsync(c => c.PartnerId == referrer.Id && c.Kind == "milestone", Ct));
        Assert.Equal(1, bonuses);
    }

    [Fact]
    public async Task ActiveDaysMilestone_OrderTimesAreReadToTheMicrosecond_100NanosecondsPastAMicrosecondIsThatMicrosecond()
    {
        var program = await _admin.CreateProgramAsync(new { plan = new { type = "percent", rate = 0.10, milestones = new[] { new { activeDays = 7, bonus = 10 } } } });
        var first = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(-9).AddHours(12), TimeSpan.Zero);

        // The first order at 12:00:00.0000001 is read as 12:00:00.000000 before anything compares it: 7 days later is 7 days.
        var atTheMicrosecond = await OrdersAsync(first.AddTicks(1), first.AddDays(7));
        // 7 days less 100 ns is 7 days less 1 µs once read: short of 7 days.
        var short1Tick = await OrdersAsync(first, first.AddDays(7).AddTicks(-1));

        Assert.Equal((1, 0), (await BonusesAsync(atTheMicrosecond), await BonusesAsync(short1Tick)));
        return;

        async Task<Guid> OrdersAsync(DateTimeOffset firstAt, DateTimeOffset secondAt)
        {
            var referrer = await _admin.CreateProgramPartnerAsync(program.Id);
            var code = (await _admin.CreateLinkAsync(referrer.Id)).Code;
            var customer = $"cust-{Guid.NewGuid():N}";
            Assert.Equal(referrer.Id, (await _storefront.ConvertAsync(Order(100m) with { CustomerId = customer, CouponCode = code, OrderedAt = firstAt })).PartnerId);
            await _storefront.ConvertAsync(Order(10m) with { CustomerId = customer, OrderedAt = secondAt });
            return referrer.Id;
        }

        Task<int> BonusesAsync(Guid partnerId) =>
            factory.QueryDbAsync(db => db.Commissions.CountAsync(c => c.PartnerId == partnerId && c.Kind == "milestone", Ct));
    }

    [Fact]
    public async Task UpdateProgram_TermsLeftOut_ResetToDefaults_ButThePlanIsKept_AndABudgetLeftOutIsRemoved()
    {
        var program = await _admin.CreateProgramAsync(new { holdDays = 5, budget = 100, plan = new { type = "fixed", fixedAmount = 2 } });

        var update = await _admin.PutAsJsonAsync($"/api/attribution/programs/{program.Id}", new { name = program.Name, currency = "EUR" }, Ct);
        var updated = await update.ShouldBeAsync<ProgramResponse>(HttpStatusCode.OK);

        Assert.Equal((30, (decimal?)null), (updated.HoldDays, updated.Budget));
        Assert.Equal(("fixed", (decimal?)2m, 1), (updated.Plan.Type, updated.Plan.FixedAmount, updated.PlanVersion));
    }

    [Fact]
    public async Task VolumeTiers_PartnerGraduatesAndTheTierEventIsPublished()
    {
        var program = await _admin.CreateProgramAsync(new { plan = new { type = "percent", rate = 0.10, tiers = new[] { new { minConversions = 2, rate = 0.20 } } } });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id);
        var code = (await _admin.CreateLinkAsync(partner.Id)).Code;

        var first = await _storefront.ConvertAsync(Order(100m, await _shopper.ClickAsync(code)));
        var second = await _storefront.ConvertAsync(Order(100m, await _shopper.ClickAsync(code)));

        Assert.Equal((10.00m, 20.00m), (first.CommissionAmount, second.CommissionAmount));
        var tier = Assert.Single(await factory.OutboxEventsAsync<PartnerTierReached>(e => e.PartnerId == partner.Id));
        Assert.Equal((1, 0.20m, 2), (tier.Tier, tier.Rate, tier.PeriodConversions));
    }

    [Fact]
    public async Task PlanChange_AppliesToNewConversionsOnly()
    {
        var program = await _admin.CreateProgramAsync(new { plan = new { type = "percent", rate = 0.10 } });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id);
        var code = (await _admin.CreateLinkAsync(partner.Id)).Code;
        var before = await _storefront.ConvertAsync(Order(100m, await _shopper.ClickAsync(code)));

        var update = await _admin.PutAsJsonAsync($"/api/attribution/programs/{program.Id}",
            new { name = program.Name, currency = "EUR", plan = new { type = "fixed", fixedAmount = 3 } }, Ct);
        var updated = await update.ShouldBeAsync<ProgramResponse>(HttpStatusCode.OK);
        var after = await _storefront.ConvertAsync(Order(100m, await _shopper.ClickAsync(code)));

        Assert.Equal(2, updated.PlanVersion);
        Assert.Equal(10.00m, (await _storefront.GetFromJsonAsync<ConversionResponse>($"/api/attribution/conversions/{before.OrderId}", Ct))!.CommissionAmount);
        Assert.Equal(3.00m, after.CommissionAmount);
        var versions = await factory.QueryDbAsync(db => db.Commissions.Where(c => c.PartnerId == partner.Id).OrderBy(c => c.Id)
            .Select(c => new { c.Amount, c.PlanVersion }).ToListAsync(Ct));
        Assert.Equal([(10m, (int?)1), (3m, (int?)2)], versions.Select(v => (v.Amount, v.PlanVersion)));
        var plans = await _admin.GetFromJsonAsync<List<PlanVersionResponse>>($"/api/attribution/programs/{program.Id}/plans", Ct);
        Assert.Equal([1, 2], plans!.Select(p => p.Version));
    }

    [Fact]
    public async Task Money_KwdHasThreeDecimals_JpyNone()
    {
        var kwd = await _admin.CreateProgramAsync(new { currency = "KWD", plan = new { type = "percent", rate = 0.10 } });
        var partner = await _admin.CreateProgramPartnerAsync(kwd.Id);
        var code = (await _admin.CreateLinkAsync(partner.Id)).Code;

        var conversion = await _storefront.ConvertAsync(Order(10.005m, await _shopper.ClickAsync(code), "KWD"));
        var yen = await _storefront.ConvertAsync(Order(1005m, await _shopper.ClickAsync(code), "JPY"));
        var fractionalYen = await _storefront.PostAsJsonAsync("/api/attribution/conversions", Order(100.5m, null, "JPY"), Ct);
        var fourDecimalDinar = await _storefront.PostAsJsonAsync("/api/attribution/conversions", Order(1.0005m, null, "KWD"), Ct);

        Assert.Equal("1.001", conversion.CommissionAmount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("101", yen.CommissionAmount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await fractionalYen.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await fourDecimalDinar.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task CategoryRates_AndFixedPlans_PayPerPlan()
    {
        var program = await _admin.CreateProgramAsync(new
        {
            plan = new { type = "percent", rate = 0.10, categories = new Dictionary<string, object> { ["electronics"] = new { rate = 0.02 } } },
        });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id);
        var code = (await _admin.CreateLinkAsync(partner.Id)).Code;

        var conversion = await _storefront.ConvertAsync(Order(300m, await _shopper.ClickAsync(code)) with
        {
            Lines = [new("electronics", 200m), new("books", 100m)],
        });
        var linesTooLarge = await _storefront.PostAsJsonAsync("/api/attribution/conversions", Order(100m) with { Lines = [new("books", 150m)] }, Ct);

        Assert.Equal(14.00m, conversion.CommissionAmount); // 200 × 2 % + 100 × 10 %
        await linesTooLarge.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    /// <summary>Fixed 5 per sale, books 2, music 1; <paramref name="cart"/> lists lines as <c>category:amount</c> (<c>×n</c> repeats one).</summary>
    [Theory]
    [InlineData("", 50, 5)]
    [InlineData("books:0×500", 1, 5)] // free lines earn nothing; the uncovered 1 earns the base once
    [InlineData("books:0 other:50", 50, 5)] // a free gift does not lower the commission
    [InlineData("books:10 other:40", 50, 7)]
    [InlineData("books:10 books:40", 50, 2)]
    [InlineData("books:10", 50, 7)] // the 40 the lines do not cover earns the base
    [InlineData("books:10 music:20 other:20", 50, 8)]
    public async Task FixedPlan_CategoryAmounts_ArePerOrderAndCategory_OtherLinesEarnTheBaseOnce(string cart, int amount, int expected)
    {
        var program = await _admin.CreateProgramAsync(new
        {
            plan = new { type = "fixed", fixedAmount = 5, categories = new Dictionary<string, object> { ["books"] = new { fixedAmount = 2 }, ["music"] = new { fixedAmount = 1 } } },
        });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id);
        var code = (await _admin.CreateLinkAsync(partner.Id)).Code;

        var lines = cart.Split(' ', StringSplitOptions.RemoveEmptyEntries).SelectMany(line =>
        {
            var parts = line.Split(':', '×');
            return Enumerable.Repeat(new OrderLineRequest(parts[0], decimal.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)), parts.Length > 2 ? int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture) : 1);
        }).ToList();

        var conversion = await _storefront.ConvertAsync(Order(amount, await _shopper.ClickAsync(code)) with { Lines = lines.Count == 0 ? null : lines });

        Assert.Equal(expected, conversion.CommissionAmount);
    }

    [Fact]
    public async Task UpdateProgram_CategoryTermsOfTheOtherPlanType_Are400()
    {
        var program = await _admin.CreateProgramAsync();

        var rateUnderFixed = await _admin.PutAsJsonAsync($"/api/attribution/programs/{program.Id}",
            new { name = program.Name, currency = "EUR", plan = new { type = "fixed", fixedAmount = 5, categories = new { books = new { rate = 0.2 } } } }, Ct);
        var amountUnderPercent = await _admin.PutAsJsonAsync($"/api/attribution/programs/{program.Id}",
            new { name = program.Name, currency = "EUR", plan = new { type = "percent", rate = 0.1, categories = new { books = new { fixedAmount = 3 } } } }, Ct);

        Assert.Contains("plan.categories.books.rate", (await rateUnderFixed.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).Extensions["errors"]!.ToString()!, StringComparison.Ordinal);
        Assert.Contains("plan.categories.books.fixedAmount", (await amountUnderPercent.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).Extensions["errors"]!.ToString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateProgram_TierTermsOfTheOtherPlanTypeOrNone_Are400_AndThePlanStays()
    {
        var program = await _admin.CreateProgramAsync(new { plan = new { type = "fixed", fixedAmount = 5, tiers = new[] { new { minConversions = 2, fixedAmount = 8 } } } });

        var rateUnderFixed = await _admin.PutAsJsonAsync($"/api/attribution/programs/{program.Id}",
            new { name = program.Name, currency = "EUR", plan = new { type = "fixed", fixedAmount = 5, tiers = new[] { new { minConversions = 2, rate = 0.2 } } } }, Ct);
        var amountUnderPercent = await _admin.PutAsJsonAsync($"/api/attribution/programs/{program.Id}",
            new { name = program.Name, currency = "EUR", plan = new { type = "percent", rate = 0.1, tiers = new[] { new { minConversions = 2, fixedAmount = 3 } } } }, Ct);
        var noTerms = await _admin.PutAsJsonAsync($"/api/attribution/programs/{program.Id}",
            new { name = program.Name, currency = "EUR", plan = new { type = "percent", rate = 0.1, tiers = new[] { new { minConversions = 2 } } } }, Ct);

        Assert.Contains("plan.tiers[0].rate", (await rateUnderFixed.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).Extensions["errors"]!.ToString()!, StringComparison.Ordinal);
        Assert.Contains("plan.tiers[0].fixedAmount", (await amountUnderPercent.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).Extensions["errors"]!.ToString()!, StringComparison.Ordinal);
        Assert.Contains("plan.tiers[0].rate", (await noTerms.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).Extensions["errors"]!.ToString()!, StringComparison.Ordinal);
        var stored = await _admin.GetFromJsonAsync<ProgramResponse>($"/api/attribution/programs/{program.Id}", Ct);
        Assert.Equal((1, 8m), (stored!.PlanVersion, stored.Plan.Tiers![0].FixedAmount));
    }

    [Fact]
    public async Task Budgets_CapThePartnerAndNeverDropSilently()
    {
        var program = await _admin.CreateProgramAsync(new { partnerBudget = 15, plan = new { type = "percent", rate = 0.10 } });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id);
        var code = (await _admin.CreateLinkAsync(partner.Id)).Code;

        var first = await _storefront.ConvertAsync(Order(100m, await _shopper.ClickAsync(code)));
        var second = await _storefront.ConvertAsync(Order(100m, await _shopper.ClickAsync(code)));
        var third = await _storefront.ConvertAsync(Order(100m, await _shopper.ClickAsync(code)));

        Assert.Equal((10.00m, (string?)null), (first.CommissionAmount, first.CommissionNote));
        Assert.Equal((5.00m, "budget-capped"), (second.CommissionAmount, second.CommissionNote));
        Assert.Equal((0.00m, "budget-exhausted", true), (third.CommissionAmount, third.CommissionNote, third.Attributed));
    }

    [Fact]
    public async Task ConcurrentOrders_NeverBookPastThePartnerBudget()
    {
        var program = await _admin.CreateProgramAsync(new { partnerBudget = 35, plan = new { type = "percent", rate = 0.10 } });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id);
        var code = (await _admin.CreateLinkAsync(partner.Id)).Code;
        var clicks = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => _shopper.ClickAsync(code)));

        var conversions = await Task.WhenAll(clicks.Select(click => _storefront.ConvertAsync(Order(100m, click))));

        Assert.Equal(35.00m, conversions.Sum(conversion => conversion.CommissionAmount));
        Assert.Equal(35.00m, await factory.QueryDbAsync(db => db.Commissions.Where(c => c.PartnerId == partner.Id).SumAsync(c => c.Amount, Ct)));
        Assert.Equal(8, conversions.Count(conversion => conversion.CommissionNote == "budget-exhausted"));
    }

    [Fact]
    public async Task ConcurrentOrders_GraduateThroughTiersByExactCount()
    {
        var program = await _admin.CreateProgramAsync(new { plan = new { type = "percent", rate = 0.10, tiers = new[] { new { minConversions = 5, rate = 0.20 } } } });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id);
        var code = (await _admin.CreateLinkAsync(partner.Id)).Code;
        var clicks = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => _shopper.ClickAsync(code)));

        var conversions = await Task.WhenAll(clicks.Select(click => _storefront.ConvertAsync(Order(100m, click))));

        Assert.Equal((4, 6), (conversions.Count(c => c.CommissionAmount == 10.00m), conversions.Count(c => c.CommissionAmount == 20.00m)));
        Assert.Single(await factory.OutboxEventsAsync<PartnerTierReached>(e => e.PartnerId == partner.Id));
    }

    [Fact]
    public async Task ProgramBudget_IsSharedByItsPartners()
    {
        var program = await _admin.CreateProgramAsync(new { budget = 12, plan = new { type = "percent", rate = 0.10 } });
        var one = await _admin.CreateProgramPartnerAsync(program.Id);
        var two = await _admin.CreateProgramPartnerAsync(program.Id);

        await _storefront.ConvertAsync(Order(100m, await _shopper.ClickAsync((await _admin.CreateLinkAsync(one.Id)).Code)));
        var second = await _storefront.ConvertAsync(Order(100m, await _shopper.ClickAsync((await _admin.CreateLinkAsync(two.Id)).Code)));

        Assert.Equal((2.00m, "budget-capped"), (second.CommissionAmount, second.CommissionNote));
    }

    [Fact]
    public async Task Agreements_PartnersEarnOnlyAfterAcceptingTheLatestVersion()
    {
        var program = await _admin.CreateProgramAsync();
        var partner = await _admin.CreateProgramPartnerAsync(program.Id);
        var code = (await _admin.CreateLinkAsync(partner.Id)).Code;
        var v1 = await (await _admin.PostAsJsonAsync($"/api/attribution/programs/{program.Id}/agreements", new { title = "Terms", body = "v1" }, Ct))
            .ShouldBeAsync<AgreementResponse>(HttpStatusCode.Created);

        var unaccepted = await _storefront.ConvertAsync(Order(100m, await _shopper.ClickAsync(code)));
        var partnerClient = factory.CreatePartnerClient(partner.Id);
        (await partnerClient.PostAsync($"/api/attribution/partners/{partner.Id}/agreements/{v1.Id}/acceptance", null, Ct)).EnsureSuccessStatusCode();
        var accepted = await _storefront.ConvertAsync(Order(100m, await _shopper.ClickAsync(code)));
        var v2 = await (await _admin.PostAsJsonAsync($"/api/attribution/programs/{program.Id}/agreements", new { title = "Terms", body = "v2" }, Ct))
            .ShouldBeAsync<AgreementResponse>(HttpStatusCode.Created);
        var afterNewVersion = await _storefront.ConvertAsync(Order(100m, await _shopper.ClickAsync(code)));

        Assert.Equal((true, 0.00m, "agreement-not-accepted"), (unaccepted.Attributed, unaccepted.CommissionAmount, unaccepted.CommissionNote));
        Assert.Equal(10.00m, accepted.CommissionAmount);
        Assert.Equal((2, "agreement-not-accepted"), (v2.Version, afterNewVersion.CommissionNote));
        var otherPartner = factory.CreatePartnerClient(Guid.NewGuid());
        Assert.Equal(HttpStatusCode.Forbidden,
            (await otherPartner.PostAsync($"/api/attribution/partners/{partner.Id}/agreements/{v1.Id}/acceptance", null, Ct)).StatusCode);
    }

    [Fact]
    public async Task PartnerStatus_SuspendedPartnersLinksFallBackAndDoNotEarn()
    {
        var program = await _admin.CreateProgramAsync(new { fallbackUrl = "https://shop.example/" });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id);
        var code = (await _admin.CreateLinkAsync(partner.Id)).Code;
        var click = await _shopper.ClickAsync(code);

        var suspend = await _admin.PutAsJsonAsync($"/api/attribution/partners/{partner.Id}/status", new { status = "suspended" }, Ct);
        using var redirect = await _shopper.GetAsync($"/r/{code}", Ct);
        var conversion = await _storefront.ConvertAsync(Order(100m, click));
        var badStatus = await _admin.PutAsJsonAsync($"/api/attribution/partners/{partner.Id}/status", new { status = "banned" }, Ct);

        Assert.Equal(HttpStatusCode.OK, suspend.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal("https://shop.example/", redirect.Headers.Location!.OriginalString);
        Assert.Equal((0.00m, "partner-not-active"), (conversion.CommissionAmount, conversion.CommissionNote));
        await badStatus.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Ambassadors_AnyCustomerGetsOnePersonalCode_AndTheProgramValueFollowsTheChain()
    {
        var program = await _admin.CreateProgramAsync(new { allowedHosts = new[] { "shop.example" }, fallbackUrl = "https://shop.example/" });
        var customer = $"cust-{Guid.NewGuid():N}";
        var body = new { programId = program.Id, customerId = customer, email = AttributionClientExtensions.UniqueEmail(), name = "Ann" };

        var created = await (await _storefront.PostAsJsonAsync("/api/attribution/ambassadors", body, Ct)).ShouldBeAsync<Api.Partners.AmbassadorResponse>(HttpStatusCode.Created);
        var again = await (await _storefront.PostAsJsonAsync("/api/attribution/ambassadors", body, Ct)).ShouldBeAsync<Api.Partners.AmbassadorResponse>(HttpStatusCode.OK);
        await _shopper.ClickAsVisitorAsync(created.Code, NewVisitor());
        var click = await _shopper.ClickAsVisitorAsync(created.Code, NewVisitor());
        await _storefront.ConvertAsync(Order(36.20m, click));
        var value = await _admin.GetFromJsonAsync<AmbassadorValue>($"/api/attribution/programs/{program.Id}/ambassador-value", Ct);

        Assert.Equal(("ambassador", created.Code), (created.Partner.Kind, again.Code));
        Assert.Equal((1, 1, 2L, 1m, 2m), (value!.Ambassadors, value.Sharers, value.Visits, value.ShareRate, value.VisitsPerShare));
        Assert.Equal([new AmbassadorRevenue("EUR", 36.20m, 18.10m, 36.20m)], value.Revenue);
    }

    [Fact]
    public async Task AmbassadorProjection_TenThousandAmbassadors()
    {
        var response = await _admin.PostAsJsonAsync("/api/attribution/ambassador-value/projection",
            new { ambassadors = 10_000, shareRate = 0.40, visitsPerShare = 11.5, revenuePerVisit = 3.62 }, Ct);
        var invalid = await _admin.PostAsJsonAsync("/api/attribution/ambassador-value/projection", new { ambassadors = -1, shareRate = 1.5 }, Ct);

        var projection = await response.ShouldBeAsync<AmbassadorProjectionResponse>(HttpStatusCode.OK);
        Assert.Equal((4_000m, 46_000m, 166_520.00m), (projection.Sharers, projection.Visits, projection.ProjectedValue));
        await invalid.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task AmbassadorProjection_SharersAreTheExactExpectedCount_TheVisitsAreComputedFrom()
    {
        var response = await _admin.PostAsJsonAsync("/api/attribution/ambassador-value/projection",
            new { ambassadors = 3, shareRate = 0.5, visitsPerShare = 11.5, revenuePerVisit = 2 }, Ct);

        var projection = await response.ShouldBeAsync<AmbassadorProjectionResponse>(HttpStatusCode.OK);
        Assert.Equal((1.5m, 17.25m, 34.50m), (projection.Sharers, projection.Visits, projection.ProjectedValue));
        Assert.Equal(projection.Sharers * projection.VisitsPerShare, projection.Visits);
    }
}

public class CreationIdempotencyTests(AttributionApiFactory factory) : IClassFixture<AttributionApiFactory>
{
    private readonly HttpClient _admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<HttpResponseMessage> PostAsync(string path, object body, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        }

        return await _admin.SendAsync(request, Ct);
    }

    [Fact]
    public async Task CreateProgram_SameIdempotencyKey_Returns200WithTheSameProgram()
    {
        var key = Guid.NewGuid().ToString("N");

        var first = await (await PostAsync("/api/attribution/programs", new { name = "Once", currency = "EUR" }, key)).ShouldBeAsync<ProgramResponse>(HttpStatusCode.Created);
        var again = await (await PostAsync("/api/attribution/programs", new { name = "Once", currency = "EUR" }, key)).ShouldBeAsync<ProgramResponse>(HttpStatusCode.OK);

        Assert.Equal(first.Id, again.Id);
        await (await PostAsync("/api/attribution/programs", new { name = "Bad key", currency = "EUR" }, new string('k', 101))).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task CreatePartner_ConcurrentRetriesOfOneKeyedRequest_CreateOnePartner_AndEveryOneGetsIt()
    {
        for (var round = 0; round < 3; round++)
        {
            var key = Guid.NewGuid().ToString("N");
            var body = new { name = "Raced", email = AttributionClientExtensions.UniqueEmail(), kind = "affiliate", commissionRate = 0.1 };

            var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => PostAsync("/api/attribution/partners", body, key)));

            Assert.Equal([HttpStatusCode.Created, .. Enumerable.Repeat(HttpStatusCode.OK, 5)], answers.Select(answer => answer.StatusCode).OrderBy(code => code == HttpStatusCode.OK));
            var partners = await Task.WhenAll(answers.Select(answer => answer.Content.ReadFromJsonAsync<Api.Partners.PartnerResponse>(Ct)));
            Assert.Single(partners.Select(partner => partner!.Id).Distinct());
        }
    }

    [Fact]
    public async Task CreatePartner_SameIdempotencyKey_Returns200WithTheSamePartner()
    {
        var key = Guid.NewGuid().ToString("N");
        var body = new { name = "Once", email = AttributionClientExtensions.UniqueEmail(), kind = "affiliate", commissionRate = 0.1 };

        var first = await (await PostAsync("/api/attribution/partners", body, key)).ShouldBeAsync<Api.Partners.PartnerResponse>(HttpStatusCode.Created);
        var again = await (await PostAsync("/api/attribution/partners", body, key)).ShouldBeAsync<Api.Partners.PartnerResponse>(HttpStatusCode.OK);

        Assert.Equal(first, again);
        Assert.Single(await factory.OutboxEventsAsync<PartnerRegistered>(e => e.PartnerId == first.Id));
    }

    [Fact]
    public async Task CreateProgramAndPartner_SameIdempotencyKeyWithADifferentBody_Returns409AndCreatesNothing()
    {
        var programKey = Guid.NewGuid().ToString("N");
        var partnerKey = Guid.NewGuid().ToString("N");
        var email = AttributionClientExtensions.UniqueEmail();
        await (await PostAsync("/api/attribution/programs", new { name = "First", currency = "EUR" }, programKey)).ShouldBeAsync<ProgramResponse>(HttpStatusCode.Created);
        await (await PostAsync("/api/attribution/partners", new { name = "First", email, kind = "affiliate", commissionRate = 0.1 }, partnerKey))
            .ShouldBeAsync<Api.Partners.PartnerResponse>(HttpStatusCode.Created);

        var secondEmail = AttributionClientExtensions.UniqueEmail();
        var program = await PostAsync("/api/attribution/programs", new { name = $"Second {programKey}", currency = "EUR" }, programKey);
        var partner = await PostAsync("/api/attribution/partners", new { name = "Second", email = secondEmail, kind = "affiliate", commissionRate = 0.1 }, partnerKey);

        await program.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        await partner.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.False(await factory.QueryDbAsync(db => db.Programs.AnyAsync(p => p.Name == $"Second {programKey}", Ct)));
        Assert.False(await factory.QueryDbAsync(db => db.Partners.AnyAsync(p => p.Email == secondEmail, Ct)));
    }

    [Fact]
    public async Task CreateLink_SameIdempotencyKey_Returns200WithTheSameGeneratedCode_ADifferentBodyIs409()
    {
        var partner = await _admin.CreatePartnerAsync();
        var path = $"/api/attribution/partners/{partner.Id}/links";
        var key = Guid.NewGuid().ToString("N");

        var first = await (await PostAsync(path, new { targetUrl = "https://shop.example/a" }, key)).ShouldBeAsync<Api.Links.LinkResponse>(HttpStatusCode.Created);
        var again = await (await PostAsync(path, new { targetUrl = "https://shop.example/a" }, key)).ShouldBeAsync<Api.Links.LinkResponse>(HttpStatusCode.OK);
        var otherTarget = await PostAsync(path, new { targetUrl = "https://shop.example/b" }, key);
        var otherPartner = await PostAsync($"/api/attribution/partners/{(await _admin.CreatePartnerAsync()).Id}/links", new { targetUrl = "https://shop.example/a" }, key);

        Assert.Equal((first.Id, first.Code), (again.Id, again.Code));
        await otherTarget.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        await otherPartner.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(1, await factory.QueryDbAsync(db => db.Links.CountAsync(link => link.PartnerId == partner.Id, Ct)));
        Assert.Single(await factory.OutboxEventsAsync<ReferralLinkCreated>(e => e.PartnerId == partner.Id));
    }

    [Fact]
    public async Task CreateAgreement_SameIdempotencyKey_Returns200WithTheSameVersion_ADifferentBodyIs409()
    {
        var program = await _admin.CreateProgramAsync();
        var path = $"/api/attribution/programs/{program.Id}/agreements";
        var key = Guid.NewGuid().ToString("N");

        var first = await (await PostAsync(path, new { title = "Terms", body = "Be fair." }, key)).ShouldBeAsync<AgreementResponse>(HttpStatusCode.Created);
        var again = await (await PostAsync(path, new { title = "Terms", body = "Be fair." }, key)).ShouldBeAsync<AgreementResponse>(HttpStatusCode.OK);
        var changed = await PostAsync(path, new { title = "Terms", body = "Be fairer." }, key);
        var unkeyed = await (await PostAsync(path, new { title = "Terms", body = "Be fair." }, null)).ShouldBeAsync<AgreementResponse>(HttpStatusCode.Created);

        Assert.Equal(first, again);
        await changed.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal((1, 2), (first.Version, unkeyed.Version));
        await (await PostAsync(path, new { title = "Terms", body = "Be fair." }, new string('k', 101))).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }
}
