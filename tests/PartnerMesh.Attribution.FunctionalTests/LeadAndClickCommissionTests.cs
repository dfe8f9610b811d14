using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Attribution.Api.Clicks;
using PartnerMesh.Attribution.Api.Conversions;
using PartnerMesh.Attribution.Api.Leads;
using PartnerMesh.Attribution.Api.Payouts;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Attribution.FunctionalTests.ProgramHelpers;

namespace PartnerMesh.Attribution.FunctionalTests;

/// <summary>Plans that pay per lead (reported by the storefront) and per click (booked per closed hour).</summary>
public class LeadAndClickCommissionTests(AttributionApiFactory factory) : IClassFixture<AttributionApiFactory>
{
    private readonly HttpClient _admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
    private readonly HttpClient _storefront = factory.CreateClientWithScopes(PartnerMeshScopes.Storefront);
    private readonly HttpClient _shopper = factory.CreateAnonymousClient();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Lead_UnderAPerLeadPlan_BooksThatAmountToTheClickingPartner()
    {
        var (partnerId, code) = await PartnerInProgramAsync(new { plan = new { type = "percent", rate = 0.1, perLead = 2.50 } });
        var visitor = NewVisitor();
        var clickId = await _shopper.ClickAsVisitorAsync(code, visitor);

        var lead = await RecordLeadAsync(new RecordLeadRequest(NewLeadId(), "signup", null, visitor, "cust-1", "shopper@example.com", Later));

        Assert.Equal((true, partnerId, clickId, 2.50m, "EUR", null), (lead.Attributed, lead.PartnerId, lead.ClickId, lead.CommissionAmount, lead.CommissionCurrency, lead.CommissionNote));
        var entry = await factory.QueryDbAsync(db => db.Commissions.SingleAsync(c => c.PartnerId == partnerId, Ct));
        Assert.Equal((CommissionKind.Lead, 2.50m, CommissionStatus.Pending, $"lead:{lead.LeadId}"), (entry.Kind, entry.Amount, entry.Status, entry.EntryKey));
        var booked = Assert.Single(await factory.OutboxEventsAsync<CommissionBooked>(e => e.PartnerId == partnerId));
        Assert.Equal((CommissionKind.Lead, 2.50m), (booked.Kind, booked.Amount));
    }

    [Fact]
    public async Task Lead_FirstClickProgram_AFloodOfLaterClicksFromAnotherPartner_DoesNotHideTheFirst()
    {
        var program = await _admin.CreateProgramAsync(new { attributionModel = "first-click", plan = new { type = "percent", rate = 0.1, perLead = 2.50 } });
        var first = await _admin.CreateProgramPartnerAsync(program.Id);
        var flooder = await _admin.CreateProgramPartnerAsync(program.Id);
        var visitor = NewVisitor();
        await _shopper.ClickAsVisitorAsync((await _admin.CreateLinkAsync(first.Id)).Code, visitor);
        var floodLink = await _admin.CreateLinkAsync(flooder.Id);
        var start = DateTimeOffset.UtcNow;
        await factory.FloodClicksAsync(floodLink, visitor, start);

        var lead = await RecordLeadAsync(new RecordLeadRequest(NewLeadId(), "signup", null, visitor, null, null, start.AddSeconds(1)));

        Assert.Equal((first.Id, "first-click"), (lead.PartnerId, lead.Reason));
    }

    [Fact]
    public async Task Lead_OfAShopperWhoReturnedToAnEarlierPartnersLink_CreditsThatPartnersClick()
    {
        var program = await _admin.CreateProgramAsync(new { plan = new { type = "percent", rate = 0.1, perLead = 2.50 } });
        var returnedTo = await _admin.CreateProgramPartnerAsync(program.Id);
        var between = await _admin.CreateProgramPartnerAsync(program.Id);
        var code = (await _admin.CreateLinkAsync(returnedTo.Id)).Code;
        var visitor = NewVisitor();
        var click = await _shopper.ClickAsVisitorAsync(code, visitor);
        await _shopper.ClickAsVisitorAsync((await _admin.CreateLinkAsync(between.Id)).Code, visitor);
        var repeat = await _shopper.ClickAsVisitorAsync(code, visitor);

        var lead = await RecordLeadAsync(new RecordLeadRequest(NewLeadId(), "signup", repeat, visitor, null, null, Later));

        Assert.Equal((returnedTo.Id, (Guid?)click, "last-click"), (lead.PartnerId, lead.ClickId, lead.Reason));
    }

    [Fact]
    public async Task Lead_InKwd_IsExactToTheFils()
    {
        var (partnerId, code) = await PartnerInProgramAsync(new { currency = "KWD", plan = new { type = "fixed", fixedAmount = 1.5, perLead = 0.125 } });
        var clickId = await _shopper.ClickAsync(code);

        var lead = await RecordLeadAsync(new RecordLeadRequest(NewLeadId(), null, clickId, null, null, null, Later));

        Assert.Equal((partnerId, 0.125m, "KWD"), (lead.PartnerId, lead.CommissionAmount, lead.CommissionCurrency));
    }

    [Fact]
    public async Task Lead_ReportedAgain_AnswersTheFirstAndBooksOnce_ADifferentClickIsAConflict()
    {
        var (partnerId, code) = await PartnerInProgramAsync(new { plan = new { type = "percent", rate = 0.1, perLead = 1 } });
        var clickId = await _shopper.ClickAsync(code);
        var request = new RecordLeadRequest(NewLeadId(), "signup", clickId, null, null, null, Later);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var response = await _storefront.PostAsJsonAsync("/api/attribution/leads", request, Ct);
            return response.StatusCode;
        }));
        using var conflict = await _storefront.PostAsJsonAsync("/api/attribution/leads", request with { ClickId = await _shopper.ClickAsync(code) }, Ct);

        Assert.Equal(1, statuses.Count(status => status == HttpStatusCode.Created));
        Assert.Equal(19, statuses.Count(status => status == HttpStatusCode.OK));
        await conflict.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(1, await factory.QueryDbAsync(db => db.Commissions.CountAsync(c => c.PartnerId == partnerId, Ct)));
        var stored = await (await _storefront.GetAsync($"/api/attribution/leads/{request.LeadId}", Ct)).ShouldBeAsync<LeadResponse>(HttpStatusCode.OK);
        Assert.Equal((1m, clickId), (stored.CommissionAmount, stored.ClickId));
    }

    [Fact]
    public async Task Lead_WithoutPerLeadTerms_IsAttributedButEarnsNothing()
    {
        var (partnerId, code) = await PartnerInProgramAsync(new { plan = new { type = "percent", rate = 0.1 } });
        var clickId = await _shopper.ClickAsync(code);

        var lead = await RecordLeadAsync(new RecordLeadRequest(NewLeadId(), null, clickId, null, null, null, Later));

        Assert.Equal((true, 0m, LeadService.NoteNoPerLeadTerms), (lead.Attributed, lead.CommissionAmount, lead.CommissionNote));
        Assert.False(await factory.QueryDbAsync(db => db.Commissions.AnyAsync(c => c.PartnerId == partnerId, Ct)));
    }

    [Fact]
    public async Task Lead_ByThePartnerItself_IsHeldForReview()
    {
        var program = await _admin.CreateProgramAsync(new { plan = new { type = "percent", rate = 0.1, perLead = 3 } });
        var email = AttributionClientExtensions.UniqueEmail();
        var partner = await _admin.CreateProgramPartnerAsync(program.Id, email: email);
        var link = await _admin.CreateLinkAsync(partner.Id);
        var clickId = await _shopper.ClickAsync(link.Code);

        var lead = await RecordLeadAsync(new RecordLeadRequest(NewLeadId(), "signup", clickId, null, null, email.ToUpperInvariant(), Later));

        Assert.Equal(3m, lead.CommissionAmount);
        var entry = await factory.QueryDbAsync(db => db.Commissions.SingleAsync(c => c.PartnerId == partner.Id, Ct));
        Assert.Equal((CommissionStatus.Held, FraudRules.SelfReferral), (entry.Status, entry.HoldReasons));
    }

    [Fact]
    public async Task Lead_WithoutAnyClick_IsRecordedUnattributed()
    {
        var lead = await RecordLeadAsync(new RecordLeadRequest(NewLeadId(), "signup", null, NewVisitor(), null, null, null));

        Assert.Equal((false, null, AttributionDecision.NoClick, 0m), (lead.Attributed, lead.PartnerId, lead.Reason, lead.CommissionAmount));
    }

    [Fact]
    public async Task Lead_OfAVisitorWhoseOnlyClickCameAfterIt_AnswersClickAfterOrder_AsItsClickIdDoes()
    {
        var (_, code) = await PartnerInProgramAsync(new { plan = new { type = "percent", rate = 0.1, perLead = 2 } });
        var visitor = NewVisitor();
        var clickId = await _shopper.ClickAsVisitorAsync(code, visitor);
        var occurredAt = DateTimeOffset.UtcNow.AddMinutes(-10);

        var byVisitor = await RecordLeadAsync(new RecordLeadRequest(NewLeadId(), "signup", null, visitor, null, null, occurredAt));
        var byClick = await RecordLeadAsync(new RecordLeadRequest(NewLeadId(), "signup", clickId, null, null, null, occurredAt));

        Assert.Equal((false, AttributionDecision.ClickAfterOrder), (byVisitor.Attributed, byVisitor.Reason));
        Assert.Equal((false, AttributionDecision.ClickAfterOrder), (byClick.Attributed, byClick.Reason));
    }

    public static TheoryData<string, string> BadLeads => new()
    {
        { "leadId", """{"kind":"signup"}""" },
        { "leadId", """{"leadId":"has/slash"}""" },
        { "kind", $$"""{"leadId":"l-1","kind":"{{new string('k', 41)}}"}""" },
        { "clickId", """{"leadId":"l-1","clickId":"00000000-0000-0000-0000-000000000000"}""" },
        { "visitorId", """{"leadId":"l-1","visitorId":"<script>"}""" },
        { "customerEmail", """{"leadId":"l-1","customerEmail":"not-an-email"}""" },
        { "occurredAt", """{"leadId":"l-1","occurredAt":"2099-01-01T00:00:00Z"}""" },
    };

    [Theory]
    [MemberData(nameof(BadLeads))]
    public async Task Lead_BadInput_IsAValidationProblem(string field, string json)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await _storefront.PostAsync("/api/attribution/leads", content, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains($"\"{field}\"", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lead_UnknownClick_Is422_AndNeedsAStorefrontKey()
    {
        using var unknown = await _storefront.PostAsJsonAsync("/api/attribution/leads", new RecordLeadRequest(NewLeadId(), null, Guid.NewGuid(), null, null, null, null), Ct);
        using var asPartner = await factory.CreatePartnerClient(Guid.NewGuid())
            .PostAsJsonAsync("/api/attribution/leads", new RecordLeadRequest(NewLeadId(), null, null, null, null, null, null), Ct);

        await unknown.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(HttpStatusCode.Forbidden, asPartner.StatusCode);
    }

    [Fact]
    public async Task Clicks_UnderAPerClickPlan_AreBookedOncePerClosedHour_RepeatsDoNotPay()
    {
        var (partnerId, code) = await PartnerInProgramAsync(new { plan = new { type = "percent", rate = 0.1, perClick = 0.05 } });
        var linkId = await factory.QueryDbAsync(db => db.Links.Where(l => l.Code == code).Select(l => l.Id).SingleAsync(Ct));
        var hour = StartOfHour(DateTimeOffset.UtcNow.AddHours(-2));
        await SeedClicksAsync(partnerId, linkId, code, hour, count: 4, duplicatesOnFirst: 3);

        var first = await (await _admin.PostAsync("/api/attribution/commissions/accrue-clicks", null, Ct)).ShouldBeAsync<AccrueClicksResponse>(HttpStatusCode.OK);
        await _admin.PostAsync("/api/attribution/commissions/accrue-clicks", null, Ct);

        Assert.True(first.Booked >= 1);
        var entry = await factory.QueryDbAsync(db => db.Commissions.SingleAsync(c => c.PartnerId == partnerId, Ct));
        Assert.Equal((CommissionKind.Click, 0.20m, "EUR", CommissionStatus.Pending, ClickCommissionAccrual.EntryKey(partnerId, hour)),
            (entry.Kind, entry.Amount, entry.Currency, entry.Status, entry.EntryKey));
        Assert.Single(await factory.OutboxEventsAsync<CommissionBooked>(e => e.PartnerId == partnerId && e.Kind == CommissionKind.Click));
    }

    [Fact]
    public async Task Clicks_ThisHour_WaitUntilTheHourIsClosed()
    {
        var (partnerId, code) = await PartnerInProgramAsync(new { plan = new { type = "percent", rate = 0.1, perClick = 0.05 } });
        await _shopper.ClickAsync(code);

        await _admin.PostAsync("/api/attribution/commissions/accrue-clicks", null, Ct);

        Assert.False(await factory.QueryDbAsync(db => db.Commissions.AnyAsync(c => c.PartnerId == partnerId, Ct)));
    }

    [Fact]
    public async Task Clicks_WithPaidSearchIdsUnderANoPaidSearchPolicy_AreHeldNotDropped()
    {
        var (partnerId, code) = await PartnerInProgramAsync(new { noPaidSearch = true, plan = new { type = "percent", rate = 0.1, perClick = 0.10 } });
        var linkId = await factory.QueryDbAsync(db => db.Links.Where(l => l.Code == code).Select(l => l.Id).SingleAsync(Ct));
        var hour = StartOfHour(DateTimeOffset.UtcNow.AddHours(-3));
        await SeedClicksAsync(partnerId, linkId, code, hour, count: 2, duplicatesOnFirst: 0, gclid: "paid-1");

        await _admin.PostAsync("/api/attribution/commissions/accrue-clicks", null, Ct);

        var entry = await factory.QueryDbAsync(db => db.Commissions.SingleAsync(c => c.PartnerId == partnerId, Ct));
        Assert.Equal((0.20m, CommissionStatus.Held, FraudRules.PaidSearchPolicy), (entry.Amount, entry.Status, entry.HoldReasons));
    }

    [Fact]
    public async Task Clicks_PartnerBudget_CapsTheHoursEntry()
    {
        var program = await _admin.CreateProgramAsync(new { plan = new { type = "percent", rate = 0.1, perClick = 0.50 } });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id, budget: 1.25m);
        var link = await _admin.CreateLinkAsync(partner.Id);
        await SeedClicksAsync(partner.Id, link.Id, link.Code, StartOfHour(DateTimeOffset.UtcNow.AddHours(-2)), count: 5, duplicatesOnFirst: 0);

        await _admin.PostAsync("/api/attribution/commissions/accrue-clicks", null, Ct);

        Assert.Equal(1.25m, await factory.QueryDbAsync(db => db.Commissions.Where(c => c.PartnerId == partner.Id).SumAsync(c => c.Amount, Ct)));
    }

    [Theory]
    [InlineData("budget-exhausted")]
    [InlineData("partner-not-active")]
    [InlineData("agreement-not-accepted")]
    public async Task Clicks_HourThatEarnsNothing_IsBookedAtZeroWithTheReason_NotDropped(string reason)
    {
        var program = await _admin.CreateProgramAsync(new { plan = new { type = "percent", rate = 0.1, perClick = 0.50 } });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id, budget: reason == "budget-exhausted" ? 0m : null);
        var link = await _admin.CreateLinkAsync(partner.Id);
        var hour = StartOfHour(DateTimeOffset.UtcNow.AddHours(-2));
        await SeedClicksAsync(partner.Id, link.Id, link.Code, hour, count: 3, duplicatesOnFirst: 0);
        if (reason == "partner-not-active")
        {
            (await _admin.PutAsJsonAsync($"/api/attribution/partners/{partner.Id}/status", new { status = "suspended" }, Ct)).EnsureSuccessStatusCode();
        }
        else if (reason == "agreement-not-accepted")
        {
            (await _admin.PostAsJsonAsync($"/api/attribution/programs/{program.Id}/agreements", new { title = "Terms", body = "v1" }, Ct)).EnsureSuccessStatusCode();
        }

        await _admin.PostAsync("/api/attribution/commissions/accrue-clicks", null, Ct);
        await _admin.PostAsync("/api/attribution/commissions/accrue-clicks", null, Ct);

        var entry = await factory.QueryDbAsync(db => db.Commissions.SingleAsync(c => c.PartnerId == partner.Id, Ct));
        Assert.Equal((CommissionKind.Click, 0m, ClickCommissionAccrual.EntryKey(partner.Id, hour)), (entry.Kind, entry.Amount, entry.EntryKey));
        Assert.EndsWith($"; {reason}", entry.Note, StringComparison.Ordinal);
        var booked = Assert.Single(await factory.OutboxEventsAsync<CommissionBooked>(e => e.PartnerId == partner.Id));
        Assert.Equal(0m, booked.Amount);
    }

    [Theory]
    [InlineData(5, CommissionStatus.Pending)]
    [InlineData(6, CommissionStatus.Held)]
    public async Task Lead_OnAVisitorsRepeatedClick_IsJudgedByTheSameFloodingRuleAsTheSale(int clicks, string expected)
    {
        var (partnerId, code) = await PartnerInProgramAsync(new { holdDays = 0, clickFloodThreshold = 5, plan = new { type = "percent", rate = 0.1, perLead = 2 } });
        var visitor = NewVisitor();
        var clickIds = new List<Guid>();
        for (var i = 0; i < clicks; i++)
        {
            // No address or user agent: the repeats collapse into the visitor's first click and count only by the visitor.
            using var response = await _storefront.PostAsJsonAsync("/api/attribution/clicks", new { code, visitorId = visitor }, Ct);
            clickIds.Add((await response.Content.ReadFromJsonAsync<RegisterClickResponse>(Ct))!.ClickId);
        }

        await _storefront.ConvertAsync(Order(100m, clickIds[^1]));
        await RecordLeadAsync(new RecordLeadRequest(NewLeadId(), "signup", clickIds[^1], null, null, null, Later));

        Assert.Single(clickIds.Distinct());
        var entries = await factory.QueryDbAsync(db => db.Commissions.Where(c => c.PartnerId == partnerId).OrderBy(c => c.Kind).ToListAsync(Ct));
        var hold = expected == CommissionStatus.Held ? FraudRules.ClickFlooding : null;
        Assert.Equal(
            [(CommissionKind.Lead, expected, hold), (CommissionKind.Sale, expected, hold)],
            entries.Select(e => (e.Kind, e.Status, e.HoldReasons)));
    }

    private async Task<(Guid PartnerId, string Code)> PartnerInProgramAsync(object terms)
    {
        var program = await _admin.CreateProgramAsync(terms);
        var partner = await _admin.CreateProgramPartnerAsync(program.Id);
        var link = await _admin.CreateLinkAsync(partner.Id);
        return (partner.Id, link.Code);
    }

    private async Task<LeadResponse> RecordLeadAsync(RecordLeadRequest request)
    {
        using var response = await _storefront.PostAsJsonAsync("/api/attribution/leads", request, Ct);
        return await response.ShouldBeAsync<LeadResponse>(HttpStatusCode.Created);
    }

    /// <summary>Clicks recorded in an hour that has closed (the redirect only ever records "now").</summary>
    private Task<int> SeedClicksAsync(Guid partnerId, Guid linkId, string code, DateTimeOffset hour, int count, int duplicatesOnFirst, string? gclid = null) =>
        factory.QueryDbAsync(async db =>
        {
            for (var index = 0; index < count; index++)
            {
                db.Clicks.Add(new Click
                {
                    Id = Guid.CreateVersion7(), LinkId = linkId, PartnerId = partnerId, Code = code, VisitorId = NewVisitor(),
                    SourceKey = $"seed-{index}", Gclid = index == 0 ? gclid : null, Duplicates = index == 0 ? duplicatesOnFirst : 0,
                    OccurredAt = hour.AddMinutes(index * 5), LastSeenAt = hour.AddMinutes(index * 5),
                });
            }

            return await db.SaveChangesAsync(Ct);
        });

    private static DateTimeOffset StartOfHour(DateTimeOffset instant) => new(instant.Year, instant.Month, instant.Day, instant.Hour, 0, 0, TimeSpan.Zero);

    private static string NewLeadId() => $"lead-{Guid.NewGuid():N}";
}
