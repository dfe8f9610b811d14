using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Attribution.Api.Clicks;
using PartnerMesh.Attribution.Api.Conversions;
using PartnerMesh.Attribution.Api.Links;
using PartnerMesh.Attribution.Api.Partners;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Attribution.FunctionalTests;

public class ConversionEndpointsTests(AttributionApiFactory factory) : IClassFixture<AttributionApiFactory>
{
    private readonly HttpClient _admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
    private readonly HttpClient _storefront = factory.CreateClientWithScopes(PartnerMeshScopes.Storefront);
    private readonly HttpClient _shopper = factory.CreateAnonymousClient();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string NewOrderId() => $"order-{Guid.NewGuid():N}";

    private async Task<(PartnerResponse Partner, LinkResponse Link, Guid ClickId)> ClickThroughAsync(decimal commissionRate = 0.10m)
    {
        var partner = await _admin.CreatePartnerAsync(commissionRate);
        var link = await _admin.CreateLinkAsync(partner.Id);
        return (partner, link, await _shopper.ClickAsync(link.Code));
    }

    [Fact]
    public async Task RecordConversion_WithRecentClick_AttributesAndBooksExactCommission()
    {
        var (partner, _, clickId) = await ClickThroughAsync(commissionRate: 0.125m);
        var orderId = NewOrderId();

        // Ordered a minute after the click: an order within seconds of its click is held as implausibly fast.
        var response = await _storefront.RecordConversionAsync(orderId, 99.99m, clickId, orderedAt: DateTimeOffset.UtcNow.AddMinutes(1));

        var conversion = await response.ShouldBeAsync<ConversionResponse>(HttpStatusCode.Created);
        Assert.Equal($"/api/attribution/conversions/{orderId}", response.Headers.Location?.OriginalString);
        Assert.True(conversion.Attributed);
        Assert.Equal((orderId, partner.Id, clickId, 99.99m, "EUR", "last-click"),
            (conversion.OrderId, conversion.PartnerId, conversion.ClickId, conversion.Amount, conversion.Currency, conversion.Reason));
        Assert.Equal(12.50m, conversion.CommissionAmount); // 99.99 × 0.125 = 12.49875

        var commission = await factory.QueryDbAsync(db => db.Commissions.SingleAsync(c => c.ConversionId == conversion.ConversionId, Ct));
        Assert.Equal((partner.Id, 12.50m, "EUR", 0.125m, CommissionStatus.Pending),
            (commission.PartnerId, commission.Amount, commission.Currency, commission.Rate, commission.Status));
        var published = Assert.Single(await factory.OutboxEventsAsync<ConversionAttributed>(evt => evt.OrderId == orderId));
        Assert.Equal((conversion.ConversionId, partner.Id, clickId, 99.99m, 12.50m),
            (published.ConversionId, published.PartnerId, published.ClickId, published.OrderAmount, published.CommissionAmount));
    }

    [Fact]
    public async Task RecordConversion_HalfCent_RoundsAwayFromZero()
    {
        var (_, _, clickId) = await ClickThroughAsync(commissionRate: 0.1m);

        var response = await _storefront.RecordConversionAsync(NewOrderId(), 0.05m, clickId);

        Assert.Equal(0.01m, (await response.ShouldBeAsync<ConversionResponse>(HttpStatusCode.Created)).CommissionAmount);
    }

    [Fact]
    public async Task RecordConversion_SameOrderReplayed_Returns200WithIdenticalBodyAndNoSecondCommission()
    {
        var (_, _, clickId) = await ClickThroughAsync();
        var orderId = NewOrderId();

        var first = await _storefront.RecordConversionAsync(orderId, 120m, clickId);
        var replay = await _storefront.RecordConversionAsync(orderId, 120.00m, clickId);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(Ct), await replay.Content.ReadAsStringAsync(Ct));
        Assert.Equal(1, await factory.QueryDbAsync(db => db.Conversions.CountAsync(c => c.OrderId == orderId, Ct)));
        Assert.Equal(1, await factory.QueryDbAsync(db => db.Commissions.CountAsync(c => c.Currency == "EUR" && db.Conversions.Any(v => v.Id == c.ConversionId && v.OrderId == orderId), Ct)));
        Assert.Single(await factory.OutboxEventsAsync<ConversionAttributed>(evt => evt.OrderId == orderId));
    }

    [Theory]
    [InlineData(121, "EUR", false)]
    [InlineData(120, "USD", false)]
    [InlineData(120, "EUR", true)]
    public async Task RecordConversion_SameOrderWithDifferentFacts_Returns409(decimal amount, string currency, bool dropClick)
    {
        var (_, _, clickId) = await ClickThroughAsync();
        var orderId = NewOrderId();
        (await _storefront.RecordConversionAsync(orderId, 120m, clickId)).EnsureSuccessStatusCode();

        var response = await _storefront.RecordConversionAsync(orderId, amount, dropClick ? null : clickId, currency);

        await response.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(1, await factory.QueryDbAsync(db => db.Conversions.CountAsync(c => c.OrderId == orderId, Ct)));
    }

    private async Task<(RecordConversionRequest First, Guid OtherProgramId)> OrderWithEveryFactAsync()
    {
        var program = await _admin.CreateProgramAsync(new
        {
            holdDays = 0,
            plan = new { type = "percent", rate = 0.10, categories = new Dictionary<string, object> { ["books"] = new { rate = 0.50 } } },
        });
        var other = await _admin.CreateProgramAsync();
        var partner = await _admin.CreateProgramPartnerAsync(program.Id);
        var code = (await _admin.CreateLinkAsync(partner.Id)).Code;
        var orderedAt = new DateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-10).Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero);
        var first = new RecordConversionRequest(NewOrderId(), null, 100m, "EUR", orderedAt, CustomerId: $"c-{Guid.NewGuid():N}",
            CustomerEmail: "shopper@example.com", CouponCode: code, ProgramId: program.Id,
            Lines: [new OrderLineRequest("books", 50m), new OrderLineRequest("toys", 20m)]);
        var created = await _storefront.ConvertAsync(first);
        Assert.Equal(30m, created.CommissionAmount); // books 50 × 50 % + the other 50 × 10 %
        return (first, other.Id);
    }

    [Theory]
    [InlineData("lines")]
    [InlineData("no lines")]
    [InlineData("couponCode")]
    [InlineData("no couponCode")]
    [InlineData("customerId")]
    [InlineData("customerEmail")]
    [InlineData("orderedAt")]
    [InlineData("programId")]
    public async Task RecordConversion_SameOrderWithAnotherFactThatDecidesTheOutcome_Returns409NamingIt(string change)
    {
        var (first, otherProgramId) = await OrderWithEveryFactAsync();
        var replay = change switch
        {
            "lines" => first with { Lines = [new OrderLineRequest("books", 10m), new OrderLineRequest("toys", 60m)] },
            "no lines" => first with { Lines = null },
            "couponCode" => first with { CouponCode = "someone-else" },
            "no couponCode" => first with { CouponCode = null },
            "customerId" => first with { CustomerId = "another-customer" },
            "customerEmail" => first with { CustomerEmail = "other@example.com" },
            "orderedAt" => first with { OrderedAt = first.OrderedAt!.Value.AddHours(-1) },
            _ => first with { ProgramId = otherProgramId },
        };

        var problem = await (await _storefront.PostAsJsonAsync("/api/attribution/conversions", replay, Ct)).ShouldBeProblemAsync(HttpStatusCode.Conflict);

        Assert.Contains($"its {change.Replace("no ", "")} differs", problem.Detail);
        Assert.Equal(1, await factory.QueryDbAsync(db => db.Conversions.CountAsync(c => c.OrderId == first.OrderId, Ct)));
    }

    [Fact]
    public async Task RecordConversion_RetryWithTheSameFactsWrittenOtherwise_Returns200WithTheFirstAnswer()
    {
        var (first, _) = await OrderWithEveryFactAsync();
        var firstAnswer = await (await _storefront.GetAsync($"/api/attribution/conversions/{first.OrderId}", Ct)).Content.ReadAsStringAsync(Ct);

        // Lines in another order with trailing zeros, the code and e-mail in another case and padded, the same instant at
        // another offset: the same facts. orderedAt and programId left out: the first request's stand.
        var same = new
        {
            orderId = first.OrderId, amount = 100.00m, currency = "EUR", customerId = first.CustomerId, customerEmail = " SHOPPER@example.com ",
            couponCode = first.CouponCode!.ToUpperInvariant(), orderedAt = first.OrderedAt!.Value.ToOffset(TimeSpan.FromHours(2)),
            programId = first.ProgramId, lines = new[] { new { category = "toys", amount = 20.00m }, new { category = "books", amount = 50.0m } },
        };
        var answers = new[]
        {
            await _storefront.PostAsJsonAsync("/api/attribution/conversions", same, Ct),
            await _storefront.PostAsJsonAsync("/api/attribution/conversions", first with { OrderedAt = null, ProgramId = null }, Ct),
        };

        foreach (var answer in answers)
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal(firstAnswer, await answer.Content.ReadAsStringAsync(Ct));
        }
    }

    [Theory]
    [InlineData("couponCode", "fullwidth")]
    [InlineData("customerEmail", "fullwidth")]
    [InlineData("customerEmail", "fullwidth-at")]
    [InlineData("customerEmail", "zero-width-space")]
    [InlineData("customerEmail", "soft-hyphen")]
    public async Task RecordConversion_RetryWithACodeOrEmailThatReadsTheSame_Returns200WithTheFirstAnswer(string member, string writing)
    {
        var (first, _) = await OrderWithEveryFactAsync();
        var firstAnswer = await (await _storefront.GetAsync($"/api/attribution/conversions/{first.OrderId}", Ct)).Content.ReadAsStringAsync(Ct);
        var retry = (member, writing) switch
        {
            ("couponCode", _) => first with { CouponCode = FullWidth(first.CouponCode!) },
            (_, "fullwidth") => first with { CustomerEmail = FullWidth("shopper") + "@example.com" },
            (_, "fullwidth-at") => first with { CustomerEmail = "shopper\uFF20example.com" },
            (_, "zero-width-space") => first with { CustomerEmail = "shopper\u200b@example.com" },
            _ => first with { CustomerEmail = "shopper@example.com\u00ad" },
        };

        using var answer = await _storefront.PostAsJsonAsync("/api/attribution/conversions", retry, Ct);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(firstAnswer, await answer.Content.ReadAsStringAsync(Ct));
    }

    /// <summary>ASCII letters, digits and '-' in their full-width forms (U+FF01–U+FF5E), which NFKC reads as the plain ones.</summary>
    private static string FullWidth(string text) => string.Concat(text.Select(c => c is > ' ' and <= '~' ? (char)(c - 0x21 + 0xFF01) : c));

    [Fact]
    public async Task RecordConversion_TenConcurrentDuplicates_RecordExactlyOneConversionAndCommission()
    {
        var (_, _, clickId) = await ClickThroughAsync();
        var orderId = NewOrderId();

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => _storefront.RecordConversionAsync(orderId, 250m, clickId)));

        Assert.Single(responses, response => response.StatusCode == HttpStatusCode.Created);
        Assert.Equal(9, responses.Count(response => response.StatusCode == HttpStatusCode.OK));
        var bodies = await Task.WhenAll(responses.Select(response => response.Content.ReadAsStringAsync(Ct)));
        Assert.Single(bodies.Distinct());
        var conversionId = await factory.QueryDbAsync(db => db.Conversions.Where(c => c.OrderId == orderId).Select(c => c.Id).SingleAsync(Ct));
        Assert.Equal(1, await factory.QueryDbAsync(db => db.Commissions.CountAsync(c => c.ConversionId == conversionId, Ct)));
        Assert.Single(await factory.OutboxEventsAsync<ConversionAttributed>(evt => evt.OrderId == orderId));
    }

    [Fact]
    public async Task RecordConversion_UnknownClick_Returns422AndRecordsNothing()
    {
        var orderId = NewOrderId();

        var response = await _storefront.RecordConversionAsync(orderId, 10m, Guid.NewGuid());

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("unknown click", problem.Title);
        Assert.False(await factory.QueryDbAsync(db => db.Conversions.AnyAsync(c => c.OrderId == orderId, Ct)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RecordConversion_VisitorWhoseOnlyClickCameAfterTheOrder_AnswersClickAfterOrder_AsItsClickIdDoes(bool namesProgram)
    {
        var program = await _admin.CreateProgramAsync();
        var partner = await _admin.CreateProgramPartnerAsync(program.Id);
        var visitor = ProgramHelpers.NewVisitor();
        var clickId = await _shopper.ClickAsVisitorAsync((await _admin.CreateLinkAsync(partner.Id)).Code, visitor);
        var orderedAt = DateTimeOffset.UtcNow.AddMinutes(-10);

        var byVisitor = await _storefront.ConvertAsync(
            new RecordConversionRequest(NewOrderId(), null, 100m, "EUR", orderedAt, VisitorId: visitor, ProgramId: namesProgram ? program.Id : null));
        var byClick = await _storefront.ConvertAsync(new RecordConversionRequest(NewOrderId(), clickId, 100m, "EUR", orderedAt));

        Assert.Equal((false, AttributionDecision.ClickAfterOrder, program.Id), (byVisitor.Attributed, byVisitor.Reason, byVisitor.ProgramId));
        Assert.Equal((false, AttributionDecision.ClickAfterOrder, program.Id), (byClick.Attributed, byClick.Reason, byClick.ProgramId));
    }

    [Fact]
    public async Task RecordConversion_VisitorWhoseOnlyClickIsOlderThanAnyWindow_AnswersOutsideWindow_AsItsClickIdDoes()
    {
        var program = await _admin.CreateProgramAsync(new { windowDays = 90 });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id);
        var visitor = ProgramHelpers.NewVisitor();
        var clickId = await _shopper.ClickAsVisitorAsync((await _admin.CreateLinkAsync(partner.Id)).Code, visitor);
        var clickedAt = DateTimeOffset.UtcNow.AddDays(-100);
        await factory.QueryDbAsync(db => db.Clicks.Where(c => c.Id == clickId).ExecuteUpdateAsync(set => set.SetProperty(c => c.OccurredAt, clickedAt), Ct));

        var byVisitor = await _storefront.ConvertAsync(new RecordConversionRequest(NewOrderId(), null, 100m, "EUR", null, VisitorId: visitor));
        var byClick = await _storefront.ConvertAsync(new RecordConversionRequest(NewOrderId(), clickId, 100m, "EUR", null));

        Assert.Equal((false, AttributionDecision.OutsideWindow, program.Id), (byVisitor.Attributed, byVisitor.Reason, byVisitor.ProgramId));
        Assert.Equal((false, AttributionDecision.OutsideWindow, program.Id), (byClick.Attributed, byClick.Reason, byClick.ProgramId));
    }

    [Fact]
    public async Task RecordConversion_WithoutClick_IsRecordedUnattributed()
    {
        var orderId = NewOrderId();

        var response = await _storefront.RecordConversionAsync(orderId, 42.5m);

        var conversion = await response.ShouldBeAsync<ConversionResponse>(HttpStatusCode.Created);
        Assert.Equal((false, (Guid?)null, (Guid?)null, 0m, "no-click"),
            (conversion.Attributed, conversion.PartnerId, conversion.ClickId, conversion.CommissionAmount, conversion.Reason));
        Assert.Empty(await factory.OutboxEventsAsync<ConversionAttributed>(evt => evt.OrderId == orderId));
    }

    [Fact]
    public async Task RecordConversion_ClickOlderThanWindow_IsRecordedUnattributed()
    {
        var partner = await _admin.CreatePartnerAsync();
        var link = await _admin.CreateLinkAsync(partner.Id);
        var oldClick = new Click
        {
            Id = Guid.CreateVersion7(),
            LinkId = link.Id,
            PartnerId = partner.Id,
            Code = link.Code,
            OccurredAt = DateTimeOffset.UtcNow.AddDays(-31),
            LastSeenAt = DateTimeOffset.UtcNow.AddDays(-31),
        };
        await factory.QueryDbAsync(db =>
        {
            db.Clicks.Add(oldClick);
            return db.SaveChangesAsync(Ct);
        });
        var orderId = NewOrderId();

        var response = await _storefront.RecordConversionAsync(orderId, 80m, oldClick.Id);

        var conversion = await response.ShouldBeAsync<ConversionResponse>(HttpStatusCode.Created);
        Assert.Equal((false, (Guid?)null, oldClick.Id, 0m, "outside-window"),
            (conversion.Attributed, conversion.PartnerId, conversion.ClickId, conversion.CommissionAmount, conversion.Reason));
        Assert.False(await factory.QueryDbAsync(db => db.Commissions.AnyAsync(c => c.ConversionId == conversion.ConversionId, Ct)));
    }

    [Fact]
    public async Task RecordConversion_OrderPlacedBeforeTheClick_IsRecordedUnattributed()
    {
        var (_, _, clickId) = await ClickThroughAsync();

        var response = await _storefront.RecordConversionAsync(NewOrderId(), 80m, clickId, orderedAt: DateTimeOffset.UtcNow.AddDays(-1));

        var conversion = await response.ShouldBeAsync<ConversionResponse>(HttpStatusCode.Created);
        Assert.Equal((false, "click-after-order"), (conversion.Attributed, conversion.Reason));
    }

    [Fact]
    public async Task RecordConversion_OrderedAtWithOffset_IsAccepted()
    {
        var (partner, _, clickId) = await ClickThroughAsync();
        var orderId = NewOrderId();

        var response = await _storefront.RecordConversionAsync(orderId, 80m, clickId, orderedAt: DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(2)));

        Assert.Equal(partner.Id, (await response.ShouldBeAsync<ConversionResponse>(HttpStatusCode.Created)).PartnerId);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("10000000.01")]
    [InlineData("1e12")]
    [InlineData("12.345")]
    public async Task RecordConversion_NonPositiveAbsurdOrSubCentAmount_Returns400(string amount)
    {
        var response = await PostRawAsync($$"""{"orderId":"{{NewOrderId()}}","amount":{{amount}},"currency":"EUR"}""");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task RecordConversion_MaximumAmount_IsAccepted()
    {
        var response = await _storefront.RecordConversionAsync(NewOrderId(), 10_000_000m);

        Assert.Equal(10_000_000m, (await response.ShouldBeAsync<ConversionResponse>(HttpStatusCode.Created)).Amount);
    }

    [Theory]
    [InlineData("\" EUR\"")]
    [InlineData("\"EURO\"")]
    [InlineData("\"E1R\"")]
    [InlineData("\"\"")]
    [InlineData("null")]
    [InlineData("\"EUR\\n\"")]
    public async Task RecordConversion_BadCurrency_Returns400(string currency)
    {
        var response = await PostRawAsync($$"""{"orderId":"{{NewOrderId()}}","amount":10,"currency":{{currency}}}""");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("""{"amount":10,"currency":"EUR"}""")]
    [InlineData("""{"orderId":"","amount":10,"currency":"EUR"}""")]
    [InlineData("""{"orderId":"has/slash","amount":10,"currency":"EUR"}""")]
    [InlineData("""{"orderId":"bell\u0007","amount":10,"currency":"EUR"}""")]
    [InlineData("""{"orderId":".","amount":10,"currency":"EUR"}""")]
    [InlineData("""{"orderId":"..","amount":10,"currency":"EUR"}""")]
    [InlineData("""{"orderId":"ok-1","currency":"EUR"}""")]
    [InlineData("""{"orderId":"ok-1","amount":"abc","currency":"EUR"}""")]
    [InlineData("""{"orderId":"ok-1","amount":10,"currency":"EUR","clickId":"not-a-guid"}""")]
    [InlineData("""{"orderId":"ok-1","amount":10,"currency":"EUR","clickId":"00000000-0000-0000-0000-000000000000"}""")]
    [InlineData("""{"orderId":"ok-1","amount":10,"currency":"EUR","orderedAt":"yesterday"}""")]
    [InlineData("""{"orderId":"ok-1","amount":10,"currency":"EUR","orderedAt":"2001-01-01T00:00:00Z"}""")]
    [InlineData("""{"orderId":"ok-1","amount":{"value":10},"currency":"EUR"}""")]
    [InlineData("""{"orderId":"ok-1","amount":10,"currency":"EUR""")]
    [InlineData("""not json at all""")]
    [InlineData("""[]""")]
    [InlineData("")]
    public async Task RecordConversion_MalformedOrInvalidBody_Returns400(string json)
    {
        var response = await PostRawAsync(json);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task RecordConversion_OrderIdTooLong_Returns400()
    {
        var response = await _storefront.RecordConversionAsync(new string('o', 101), 10m);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task RecordConversion_OrderedAtFarInTheFuture_Returns400()
    {
        var response = await _storefront.RecordConversionAsync(NewOrderId(), 10m, orderedAt: DateTimeOffset.UtcNow.AddMinutes(10));

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task RecordConversion_OversizedBody_Returns413()
    {
        var padding = new string('x', 70 * 1024);

        var response = await PostRawAsync($$"""{"orderId":"ok-1","amount":10,"currency":"EUR","padding":"{{padding}}"}""");

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task RecordConversion_WithoutToken_Returns401()
    {
        var response = await _shopper.RecordConversionAsync(NewOrderId(), 10m);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task RecordConversion_WithPartnerToken_Returns403()
    {
        var response = await factory.CreatePartnerClient(Guid.NewGuid()).RecordConversionAsync(NewOrderId(), 10m);

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task GetConversion_Recorded_ReturnsTheSameBody()
    {
        var (_, _, clickId) = await ClickThroughAsync();
        var orderId = NewOrderId();
        var created = await _storefront.RecordConversionAsync(orderId, 15.5m, clickId);

        var response = await _storefront.GetAsync($"/api/attribution/conversions/{orderId}", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(await created.Content.ReadAsStringAsync(Ct), await response.Content.ReadAsStringAsync(Ct));
    }

    [Theory]
    [InlineData("never-recorded")]
    [InlineData("bad%20id")]
    public async Task GetConversion_Unknown_Returns404Problem(string orderId)
    {
        var response = await _storefront.GetAsync($"/api/attribution/conversions/{orderId}", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    private Task<HttpResponseMessage> PostRawAsync(string json)
    {
        var content = new StringContent(json, Encoding.UTF8, "application/json");
        return _storefront.PostAsync("/api/attribution/conversions", content, Ct);
    }

    [Fact]
    public async Task RecordConversion_LineWithoutAmount_Returns400NamingIt_AndRecordsNothing()
    {
        var orderId = NewOrderId();

        var response = await _storefront.PostAsJsonAsync("/api/attribution/conversions",
            new { orderId, amount = 100m, currency = "EUR", lines = new object[] { new { category = "books", amount = 10m }, new { category = "shoes" } } }, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("lines[1].amount", ((System.Text.Json.JsonElement)problem.Extensions["errors"]!).EnumerateObject().Select(error => error.Name));
        Assert.False(await factory.QueryDbAsync(db => db.Conversions.AnyAsync(c => c.OrderId == orderId, Ct)));
    }
}
