using PartnerMesh.ServiceDefaults.WebApi;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PartnerMesh.Attribution.Api.Common;
using PartnerMesh.Attribution.Api.Conversions;
using PartnerMesh.Attribution.Api.Links;
using PartnerMesh.Attribution.Api.Payouts;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Contracts.Coupons;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Attribution.FunctionalTests.ProgramHelpers;

namespace PartnerMesh.Attribution.FunctionalTests;

/// <summary>Refunds, fraud holds, approval after the hold, payouts, clawbacks, ledgers and partner-scoped reads.</summary>
public class CommissionLifecycleTests(AttributionApiFactory factory) : IClassFixture<AttributionApiFactory>
{
    private readonly HttpClient _admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
    private readonly HttpClient _storefront = factory.CreateClientWithScopes(PartnerMeshScopes.Storefront);
    private readonly HttpClient _shopper = factory.CreateAnonymousClient();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(Guid PartnerId, ConversionResponse Conversion)> SaleAsync(decimal amount = 100m, object? programTerms = null, string currency = "EUR")
    {
        var program = await _admin.CreateProgramAsync(programTerms ?? new { holdDays = 0, plan = new { type = "percent", rate = 0.10 } });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id);
        var click = await _shopper.ClickAsync((await _admin.CreateLinkAsync(partner.Id)).Code);
        return (partner.Id, await _storefront.ConvertAsync(Order(amount, click, currency)));
    }

    private Task<HttpResponseMessage> RefundAsync(string orderId, decimal? amount, string kind = "refund", string? refundId = null, string currency = "EUR") =>
        _storefront.PostAsJsonAsync("/api/attribution/refunds",
            new { refundId = refundId ?? $"refund-{Guid.NewGuid():N}", orderId, kind, amount, currency }, Ct);

    private Task<List<Commission>> EntriesAsync(Guid partnerId) =>
        factory.QueryDbAsync(db => db.Commissions.Where(c => c.PartnerId == partnerId).OrderBy(c => c.Id).ToListAsync(Ct));

    [Fact]
    public async Task PartialThenFullRefund_ReversesInProportionThenTheRest_AndPublishesRefundRecorded()
    {
        var (partnerId, sale) = await SaleAsync(100m);

        var partial = await (await RefundAsync(sale.OrderId, 25m)).ShouldBeAsync<RefundResponse>(HttpStatusCode.Created);
        var rest = await (await RefundAsync(sale.OrderId, 75m)).ShouldBeAsync<RefundResponse>(HttpStatusCode.Created);

        Assert.Equal((2.50m, false, "partially-refunded"), (partial.CommissionReversed, partial.IsFullRefund, partial.OrderStatus));
        Assert.Equal((7.50m, true, "refunded", 100.00m), (rest.CommissionReversed, rest.IsFullRefund, rest.OrderStatus, rest.OrderRefundedAmount));
        var entries = await EntriesAsync(partnerId);
        Assert.Equal([10m, -2.5m, -7.5m], entries.Select(e => e.Amount));
        Assert.All(entries.Skip(1), e => Assert.Equal(("reversal", entries[0].Id), (e.Kind, e.OriginalCommissionId!.Value)));
        var published = await factory.OutboxEventsAsync<RefundRecorded>(e => e.OrderId == sale.OrderId);
        Assert.Equal([(25m, false, 2.5m), (75m, true, 7.5m)], published.OrderBy(e => e.Amount).Select(e => (e.Amount, e.IsFullRefund, e.CommissionReversed)));
        Assert.All(published, e => Assert.Equal(partnerId, e.PartnerId));
    }

    [Fact]
    public async Task Refund_BadInput_IsRejectedWithoutWriting()
    {
        var (partnerId, sale) = await SaleAsync(100m);

        await (await RefundAsync(sale.OrderId, 100.01m)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        await (await RefundAsync(sale.OrderId, -5m)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await RefundAsync(sale.OrderId, 0m)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await RefundAsync(sale.OrderId, 1.001m)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await RefundAsync(sale.OrderId, 10m, currency: "USD")).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        await (await RefundAsync("no-such-order", 10m)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await RefundAsync(sale.OrderId, 10m, kind: "chargeback")).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await RefundAsync(sale.OrderId, null)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        Assert.Single(await EntriesAsync(partnerId));
        Assert.Equal(0, await factory.QueryDbAsync(db => db.Refunds.CountAsync(r => r.OrderId == sale.OrderId, Ct)));
    }

    [Fact]
    public async Task Refund_SameIdReplayed_SameAnswerAndNoSecondReversal_DifferentFacts409()
    {
        var (partnerId, sale) = await SaleAsync(100m);
        var refundId = $"refund-{Guid.NewGuid():N}";

        var first = await RefundAsync(sale.OrderId, 40m, refundId: refundId);
        var replay = await RefundAsync(sale.OrderId, 40m, refundId: refundId);
        var conflicting = await RefundAsync(sale.OrderId, 41m, refundId: refundId);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(Ct), await replay.Content.ReadAsStringAsync(Ct));
        await conflicting.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(2, (await EntriesAsync(partnerId)).Count);
    }

    [Fact]
    public async Task Refund_SameIdReplayedWithAnotherRefundedAt_Is409_TheSameInstantAtAnotherOffsetIsTheReplay()
    {
        var (_, sale) = await SaleAsync(100m);
        var refundId = $"refund-{Guid.NewGuid():N}";
        var refundedAt = new DateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(3).Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero);
        Task<HttpResponseMessage> Send(DateTimeOffset at) => _storefront.PostAsJsonAsync("/api/attribution/refunds",
            new { refundId, orderId = sale.OrderId, kind = "refund", amount = 40m, currency = "EUR", refundedAt = at }, Ct);

        var first = await Send(refundedAt);
        var replay = await Send(refundedAt.ToOffset(TimeSpan.FromHours(-5)));
        var conflicting = await Send(refundedAt.AddMinutes(-1));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(Ct), await replay.Content.ReadAsStringAsync(Ct));
        await conflicting.ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Cancellation_NamingLessThanWhatIsLeft_Is422TitledForTheCancellation()
    {
        var (_, sale) = await SaleAsync(100m);

        var less = await (await RefundAsync(sale.OrderId, 10m, kind: "cancellation")).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        var more = await (await RefundAsync(sale.OrderId, 100.01m)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Equal(("Cancellation must take the whole remaining amount", "A cancellation takes back the whole remaining amount (100.00 EUR)."), (less.Title, less.Detail));
        Assert.Equal("Refund exceeds the order", more.Title);
    }

    [Fact]
    public async Task Cancellation_TakesBackEverythingLeft_AndAFurtherRefundIs409()
    {
        var (partnerId, sale) = await SaleAsync(80m);
        await RefundAsync(sale.OrderId, 20m);

        var cancel = await (await RefundAsync(sale.OrderId, null, kind: "cancellation")).ShouldBeAsync<RefundResponse>(HttpStatusCode.Created);
        var after = await RefundAsync(sale.OrderId, 1m);

        Assert.Equal((60.00m, true, "cancelled", 6.00m), (cancel.Amount, cancel.IsFullRefund, cancel.OrderStatus, cancel.CommissionReversed));
        await after.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(0m, (await EntriesAsync(partnerId)).Sum(e => e.Amount));
    }

    [Fact]
    public async Task SmallRefunds_ReverseTheRefundedShareOfTheCommission_NotFrontLoaded()
    {
        // 3 JPY on a 6 JPY order: each 1 JPY refund is worth 0.5 JPY of commission, which rounds to a whole yen.
        var (partnerId, sale) = await SaleAsync(6m, new { currency = "JPY", holdDays = 0, plan = new { type = "percent", rate = 0.5 } }, "JPY");

        var reversed = new List<decimal>();
        for (var i = 0; i < 6; i++)
        {
            reversed.Add((await (await RefundAsync(sale.OrderId, 1m, currency: "JPY")).ShouldBeAsync<RefundResponse>(HttpStatusCode.Created)).CommissionReversed);
        }

        // Each reversal is round(3 × refunded so far ÷ 6) less what was already reversed: half the order refunded,
        // half the commission (rounded) taken back, and the total is exact.
        Assert.Equal(3m, sale.CommissionAmount);
        Assert.Equal([1m, 0m, 1m, 0m, 1m, 0m], reversed);
        Assert.Equal(0m, (await EntriesAsync(partnerId)).Sum(e => e.Amount));
    }

    [Fact]
    public async Task RefundOfAnOrderInAnotherCurrency_ReportsTheSaleReversal_InTheCommissionCurrency()
    {
        // A fixed EUR commission on a JPY order: the reversal is EUR, and the answer says how much and in which currency.
        var (partnerId, sale) = await SaleAsync(1000m, new { currency = "EUR", holdDays = 0, plan = new { type = "fixed", fixedAmount = 5 } }, "JPY");

        var half = await (await RefundAsync(sale.OrderId, 500m, currency: "JPY")).ShouldBeAsync<RefundResponse>(HttpStatusCode.Created);
        var cancel = await (await RefundAsync(sale.OrderId, null, kind: "cancellation", currency: "JPY")).ShouldBeAsync<RefundResponse>(HttpStatusCode.Created);

        Assert.Equal((5.00m, "EUR"), (sale.CommissionAmount, sale.CommissionCurrency));
        Assert.Equal([(2.50m, "EUR"), (2.50m, "EUR")], [(half.CommissionReversed, half.CommissionCurrency), (cancel.CommissionReversed, cancel.CommissionCurrency)]);
        var entries = await EntriesAsync(partnerId);
        Assert.Equal([(5m, "EUR"), (-2.5m, "EUR"), (-2.5m, "EUR")], entries.Select(e => (e.Amount, e.Currency)));
        // What the sale booked, less what its refunds report, is the partner's ledger net for the sale.
        Assert.Equal(entries.Sum(e => e.Amount), sale.CommissionAmount - half.CommissionReversed - cancel.CommissionReversed);
        var published = await factory.OutboxEventsAsync<RefundRecorded>(e => e.OrderId == sale.OrderId);
        Assert.Equal([(2.5m, "EUR"), (2.5m, "EUR")], published.Select(e => (e.CommissionReversed, e.CommissionCurrency)));
    }

    [Fact]
    public async Task RefundWhileAPayoutIsPayingTheSale_WaitsForThePayout_AndIsAClawback()
    {
        var (partnerId, sale) = await SaleAsync(100m);
        await _admin.PostAsync("/api/attribution/commissions/approve-due", null, Ct);
        var saleEntry = Assert.Single(await EntriesAsync(partnerId));

        // A payout batch in progress: it holds the sale's row (the batch's FOR UPDATE) and has marked it paid, not yet committed.
        await using var connection = new NpgsqlConnection(factory.DatabaseConnectionString);
        await connection.OpenAsync(Ct);
        await using var payout = await connection.BeginTransactionAsync(Ct);
        await using (var pay = new NpgsqlCommand("UPDATE commissions SET status = 'paid', paid_at = now() WHERE id = @id", connection, payout))
        {
            pay.Parameters.AddWithValue("id", saleEntry.Id);
            Assert.Equal(1, await pay.ExecuteNonQueryAsync(Ct));
        }

        var refund = RefundAsync(sale.OrderId, 50m);
        await Task.WhenAny(refund, Task.Delay(TimeSpan.FromSeconds(1), Ct));
        var answeredDuringThePayout = refund.IsCompleted;
        await payout.CommitAsync(Ct);
        await (await refund).ShouldBeAsync<RefundResponse>(HttpStatusCode.Created);

        // The take-back commits after the sale was paid: a clawback, approved and deducted from the next payout.
        Assert.False(answeredDuringThePayout, "the refund should wait for the payout holding its sale");
        var entries = await EntriesAsync(partnerId);
        Assert.Equal([("sale", 10m, "paid"), ("clawback", -5m, "approved")], entries.Select(e => (e.Kind, e.Amount, e.Status)));
    }

    [Fact]
    public async Task ConcurrentRefunds_NeverExceedTheOrder()
    {
        var (partnerId, sale) = await SaleAsync(100m);

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => RefundAsync(sale.OrderId, 30m)));

        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode));
        Assert.Equal(1.00m, Money.Round((await EntriesAsync(partnerId)).Sum(e => e.Amount), "EUR"));
    }

    [Fact]
    public async Task Lifecycle_PendingApprovedPaid_ThenARefundClawsBackFromTheNextPayout()
    {
        var (partnerId, sale) = await SaleAsync(100m);
        var partner = factory.CreatePartnerClient(partnerId);

        var approved = await (await _admin.PostAsync("/api/attribution/commissions/approve-due", null, Ct)).ShouldBeAsync<ApproveDueResponse>(HttpStatusCode.OK);
        var batch = await (await _admin.PostAsync("/api/attribution/payouts", null, Ct)).ShouldBeAsync<PayoutBatchResponse>(HttpStatusCode.Created);
        await RefundAsync(sale.OrderId, 50m);
        var ledger = await partner.GetFromJsonAsync<LedgerResponse>("/api/attribution/me/ledger", Ct);

        Assert.True(approved.Approved >= 1);
        Assert.Contains(batch.Items, item => item.PartnerId == partnerId && item.Amount == 10.00m && item.Currency == "EUR");
        var entries = await EntriesAsync(partnerId);
        Assert.Equal([("sale", 10m, "paid"), ("clawback", -5m, "approved")], entries.Select(e => (e.Kind, e.Amount, e.Status)));
        var totals = Assert.Single(ledger!.Totals);
        Assert.Equal((10.00m, 10.00m, -5.00m, 5.00m), (totals.Earned, totals.Paid, totals.Approved, totals.ClawedBack));
        Assert.Single(await factory.OutboxEventsAsync<CommissionApproved>(e => e.PartnerId == partnerId));
        Assert.Single(await factory.OutboxEventsAsync<CommissionPaid>(e => e.PartnerId == partnerId && e.PayoutBatchId == batch.Id));
        Assert.Single(await factory.OutboxEventsAsync<CommissionReversed>(e => e.PartnerId == partnerId && e.Kind == "clawback" && e.Amount == -5m));

        // The clawback alone is a negative balance: it is carried, not paid (the batch holds other partners, or there is none).
        var next = await _admin.PostAsync("/api/attribution/payouts", null, Ct);
        if (next.StatusCode == HttpStatusCode.Created)
        {
            Assert.DoesNotContain((await next.ShouldBeAsync<PayoutBatchResponse>(HttpStatusCode.Created)).Items, item => item.PartnerId == partnerId);
        }
        else
        {
            await next.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        }

        Assert.Equal(("clawback", CommissionStatus.Approved, (Guid?)null), (await EntriesAsync(partnerId)).Select(e => (e.Kind, e.Status, e.PayoutBatchId)).Last());
    }

    [Fact]
    public async Task PayoutBatch_NothingPayable_Returns422AndWritesNoBatch_ThenPaysOnceApproved()
    {
        await PayEverythingDueAsync();
        var program = await _admin.CreateProgramAsync(new { holdDays = 0, plan = new { type = "percent", rate = 0.10 } });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id);
        var click = await _shopper.ClickAsync((await _admin.CreateLinkAsync(partner.Id)).Code);
        // Held for review (disposable email): neither approve-due nor the background approval pass can make it payable.
        await _storefront.ConvertAsync(Order(100m, click) with { CustomerEmail = "x@mailinator.com" });
        var entry = Assert.Single(await EntriesAsync(partner.Id));
        var batchesBefore = await AllBatchIdsAsync();
        var key = Guid.NewGuid().ToString("N");

        var refused = await (await PayoutAsync(key)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        var refusedAgain = await (await PayoutAsync(key)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Equal(("Nothing payable", PayoutService.NothingPayableReason), (refused.Title, refused.Extensions["reason"]!.ToString()));
        Assert.Contains("no payout batch was created", refused.Detail, StringComparison.Ordinal);
        Assert.Equal((refused.Title, refused.Detail, PayoutService.NothingPayableReason), (refusedAgain.Title, refusedAgain.Detail, refusedAgain.Extensions["reason"]!.ToString()));
        Assert.Equal(batchesBefore, await AllBatchIdsAsync());
        Assert.Equal((CommissionStatus.Held, (Guid?)null), (await EntriesAsync(partner.Id)).Select(e => (e.Status, e.PayoutBatchId)).Single());

        // Approved: the same key (it stood for nothing) now pays it, and replays that batch.
        await (await _admin.PostAsync($"/api/attribution/commissions/{entry.Id}/release", null, Ct)).ShouldBeAsync<CommissionResponse>(HttpStatusCode.OK);
        var created = await (await PayoutAsync(key)).ShouldBeAsync<PayoutBatchResponse>(HttpStatusCode.Created);
        var replayed = await (await PayoutAsync(key)).ShouldBeAsync<PayoutBatchResponse>(HttpStatusCode.OK);

        var item = Assert.Single(created.Items);
        Assert.Equal((partner.Id, "EUR", 10.00m, 1), (item.PartnerId, item.Currency, item.Amount, item.EntryCount));
        Assert.Equal(created.Id, replayed.Id);
        Assert.Equal([.. batchesBefore, created.Id], await AllBatchIdsAsync());
    }

    [Fact]
    public async Task PayoutBatch_OnlyNegativeBalancesApproved_Returns422AndCarriesThem()
    {
        var (partnerId, sale) = await SaleAsync(100m);
        await PayEverythingDueAsync();
        await RefundAsync(sale.OrderId, 100m);
        var batchesBefore = await AllBatchIdsAsync();

        var refused = await (await _admin.PostAsync("/api/attribution/payouts", null, Ct)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Equal(PayoutService.NothingPayableReason, refused.Extensions["reason"]!.ToString());
        Assert.Contains("net to zero or less", refused.Detail, StringComparison.Ordinal);
        Assert.Equal(batchesBefore, await AllBatchIdsAsync());
        Assert.Equal([("sale", CommissionStatus.Paid), ("clawback", CommissionStatus.Approved)], (await EntriesAsync(partnerId)).Select(e => (e.Kind, e.Status)));
    }

    private async Task<HttpResponseMessage> PayoutAsync(string idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/attribution/payouts");
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await _admin.SendAsync(request, Ct);
    }

    /// <summary>
    /// Approves whatever is due and pays it, so that only what a test books afterwards is payable: the class shares one
    /// database, and a batch pays every partner.
    /// </summary>
    private async Task PayEverythingDueAsync()
    {
        await _admin.PostAsync("/api/attribution/commissions/approve-due", null, Ct);
        var drained = await _admin.PostAsync("/api/attribution/payouts", null, Ct);
        Assert.Contains(drained.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.UnprocessableEntity });
    }

    private async Task<List<Guid>> AllBatchIdsAsync() =>
        [.. (await PagesAsync<PayoutBatchResponse>(_admin, "/api/attribution/payouts", 200)).SelectMany(page => page).Select(batch => batch.Id)];

    [Fact]
    public async Task PayoutBatch_IdempotencyKeyAndCsvExport()
    {
        var (partnerId, _) = await SaleAsync(100m);
        await _admin.PostAsync("/api/attribution/commissions/approve-due", null, Ct);
        var key = Guid.NewGuid().ToString("N");
        using var first = new HttpRequestMessage(HttpMethod.Post, "/api/attribution/payouts");
        first.Headers.Add("Idempotency-Key", key);
        using var again = new HttpRequestMessage(HttpMethod.Post, "/api/attribution/payouts");
        again.Headers.Add("Idempotency-Key", key);

        var created = await (await _admin.SendAsync(first, Ct)).ShouldBeAsync<PayoutBatchResponse>(HttpStatusCode.Created);
        var replayed = await (await _admin.SendAsync(again, Ct)).ShouldBeAsync<PayoutBatchResponse>(HttpStatusCode.OK);
        var csv = await _admin.GetStringAsync($"/api/attribution/payouts/{created.Id}/export", Ct);

        Assert.Equal(created.Id, replayed.Id);
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("payout_batch_id,partner_id,partner_name,partner_email,currency,amount,entry_count", lines[0]);
        Assert.Contains(lines, line => line.StartsWith($"{created.Id},{partnerId},", StringComparison.Ordinal) && line.EndsWith(",EUR,10.00,1", StringComparison.Ordinal));
        await (await _admin.GetAsync($"/api/attribution/payouts/{Guid.NewGuid()}/export", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("a\tb")]
    [InlineData("kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk")]
    public async Task PayoutBatch_MalformedIdempotencyKey_Returns400AndPaysNothing(string key)
    {
        var (partnerId, _) = await SaleAsync(100m);
        await _admin.PostAsync("/api/attribution/commissions/approve-due", null, Ct);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/attribution/payouts");
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);

        var problem = await (await _admin.SendAsync(request, Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("Idempotency-Key", problem.Extensions["errors"]!.ToString()!, StringComparison.Ordinal);
        Assert.Equal(CommissionStatus.Approved, Assert.Single(await EntriesAsync(partnerId)).Status);
    }

    [Fact]
    public async Task FastConversionSwitchedOff_NeverHolds_EvenAnOrderDatedBeforeItsClick()
    {
        var program = await _admin.CreateProgramAsync(new { holdDays = 0, minSecondsToConversion = 0 });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id);
        var click = await _shopper.ClickAsync((await _admin.CreateLinkAsync(partner.Id)).Code);

        // Two minutes before the click: inside the accepted clock skew, so the click still credits.
        var conversion = await _storefront.ConvertAsync(Order(100m, click) with { OrderedAt = DateTimeOffset.UtcNow.AddSeconds(-120) });

        Assert.Equal((partner.Id, "last-click"), (conversion.PartnerId, conversion.Reason));
        var entry = Assert.Single(await EntriesAsync(partner.Id));
        Assert.Equal((CommissionStatus.Pending, (string?)null), (entry.Status, entry.HoldReasons));
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(90, false)]
    public async Task OrderDatedBeforeItsClick_IsJudgedByWhenWeReceivedIt(int clickAgeSeconds, bool fast)
    {
        var program = await _admin.CreateProgramAsync(new { holdDays = 0, minSecondsToConversion = 30 });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id);
        var click = await _shopper.ClickAsync((await _admin.CreateLinkAsync(partner.Id)).Code);
        var clickedAt = DateTimeOffset.UtcNow.AddSeconds(-clickAgeSeconds);
        await factory.QueryDbAsync(db => db.Clicks.Where(c => c.Id == click).ExecuteUpdateAsync(s => s.SetProperty(c => c.OccurredAt, clickedAt), Ct));

        // The storefront's clock is a minute behind ours: the order looks placed before the click.
        var conversion = await _storefront.ConvertAsync(Order(100m, click) with { OrderedAt = clickedAt.AddSeconds(-60) });

        Assert.Equal(partner.Id, conversion.PartnerId);
        var entry = Assert.Single(await EntriesAsync(partner.Id));
        Assert.Equal(fast ? (CommissionStatus.Held, FraudRules.FastConversion) : (CommissionStatus.Pending, null), (entry.Status, entry.HoldReasons));
    }

    [Fact]
    public async Task HoldPeriod_KeepsCommissionsPendingUntilItElapses()
    {
        var (partnerId, _) = await SaleAsync(100m, new { holdDays = 30, plan = new { type = "percent", rate = 0.10 } });

        await _admin.PostAsync("/api/attribution/commissions/approve-due", null, Ct);

        var entry = Assert.Single(await EntriesAsync(partnerId));
        Assert.Equal(CommissionStatus.Pending, entry.Status);
        Assert.InRange(entry.HoldUntil - entry.CreatedAt, TimeSpan.FromDays(30), TimeSpan.FromDays(30));
    }

    public static TheoryData<string, string> FraudCases => new()
    {
        { "self-referral", "self" },
        { "disposable-email", "disposable" },
        { "fast-conversion", "fast" },
        { "paid-search-policy", "paid" },
        { "click-flooding", "flood" },
        { "code-leak", "leak" },
    };

    [Theory]
    [MemberData(nameof(FraudCases))]
    public async Task FraudRule_HoldsTheCommissionWithItsReason_NeverDropsIt(string rule, string scenario)
    {
        var program = await _admin.CreateProgramAsync(new { holdDays = 0, noPaidSearch = true, clickFloodThreshold = 5, plan = new { type = "percent", rate = 0.10 } });
        var partnerEmail = AttributionClientExtensions.UniqueEmail();
        var partner = await _admin.CreateProgramPartnerAsync(program.Id, email: partnerEmail);
        var code = (await _admin.CreateLinkAsync(partner.Id)).Code;
        var visitor = NewVisitor();
        var click = await _shopper.ClickAsVisitorAsync(code, visitor, scenario == "paid" ? "?gclid=brand-term" : "");
        if (scenario == "flood")
        {
            for (var i = 0; i < 5; i++)
            {
                await _shopper.ClickAsVisitorAsync(code, visitor);
            }
        }

        var order = Order(100m, click) with
        {
            CustomerEmail = scenario switch { "self" => partnerEmail.ToUpperInvariant(), "disposable" => "x@mailinator.com", _ => "someone@example.org" },
            OrderedAt = scenario == "fast" ? DateTimeOffset.UtcNow : Later,
        };
        if (scenario == "leak")
        {
            await factory.QueryDbAsync(async db =>
            {
                db.CouponSignals.Add(new CouponSignal { OrderId = order.OrderId!, CodePartnerId = partner.Id, Code = "LEAKED", LeakReason = "coupon_site_referrer", UpdatedAt = DateTimeOffset.UtcNow });
                return await db.SaveChangesAsync(Ct);
            });
        }

        var conversion = await _storefront.ConvertAsync(order);
        await _admin.PostAsync("/api/attribution/commissions/approve-due", null, Ct);

        Assert.Equal(10.00m, conversion.CommissionAmount);
        var entry = Assert.Single(await EntriesAsync(partner.Id));
        Assert.Equal(CommissionStatus.Held, entry.Status);
        Assert.Contains(rule, entry.HoldReasons!.Split(','));
        Assert.Contains(await factory.OutboxEventsAsync<FraudFlagRaised>(e => e.PartnerId == partner.Id), e => e.Rule == rule && e.CommissionId == entry.Id);
        Assert.Single(await factory.OutboxEventsAsync<CommissionHeld>(e => e.CommissionId == entry.Id));

        // A reviewer releases it: the hold (0 days) has elapsed, so it is approved at once.
        var released = await (await _admin.PostAsync($"/api/attribution/commissions/{entry.Id}/release", null, Ct)).ShouldBeAsync<CommissionResponse>(HttpStatusCode.OK);
        Assert.Equal(CommissionStatus.Approved, released.Status);
        await (await _admin.PostAsync($"/api/attribution/commissions/{entry.Id}/release", null, Ct)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("ｂｏｂ.smith@gmail.com", true)]
    [InlineData("bob.smith@gmail.com.", true)]
    [InlineData(" B.O.B.Smith+x@googlemail.com ", true)]
    [InlineData("bob.smith@gmail.co", false)]
    // Invisible characters are never another mailbox (the shared CustomerEmail rule, as coupons keys guests).
    [InlineData("bob.smith\u200b@gmail.com", true)]
    [InlineData("\u2060bob.smith@gmail.com", true)]
    [InlineData("bob.smith@gmail.com\ufeff", true)]
    [InlineData("\u200fbob.smith@gmail.com", true)]
    [InlineData("bob.smi\u00adth@gmail.com", true)]
    public async Task SelfReferral_MatchesThePartnersMailboxInAnyForm(string customerEmail, bool held)
    {
        var program = await _admin.CreateProgramAsync(new { holdDays = 0 });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id, email: $"Bob.Smith+{Guid.NewGuid():N}@GMAIL.com");
        var click = await _shopper.ClickAsync((await _admin.CreateLinkAsync(partner.Id)).Code);

        await _storefront.ConvertAsync(Order(100m, click) with { CustomerEmail = customerEmail });

        var entry = Assert.Single(await EntriesAsync(partner.Id));
        Assert.Equal(held ? (CommissionStatus.Held, FraudRules.SelfReferral) : (CommissionStatus.Pending, null), (entry.Status, entry.HoldReasons));
    }

    [Theory]
    [InlineData("x@mailinator\u00ad.com")]
    [InlineData("x@mail\u200binator.com")]
    [InlineData("x@\u200fMAILINATOR.com\u2060")]
    [InlineData("x@ｍａｉｌｉｎａｔｏｒ.com")]
    public async Task DisposableEmail_WithInvisibleOrFullWidthCharacters_IsHeld(string customerEmail)
    {
        var program = await _admin.CreateProgramAsync(new { holdDays = 0 });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id);
        var click = await _shopper.ClickAsync((await _admin.CreateLinkAsync(partner.Id)).Code);

        await _storefront.ConvertAsync(Order(100m, click) with { CustomerEmail = customerEmail, OrderedAt = Later });

        var entry = Assert.Single(await EntriesAsync(partner.Id));
        Assert.Equal((CommissionStatus.Held, FraudRules.DisposableEmail), (entry.Status, entry.HoldReasons));
    }

    [Theory]
    [InlineData("cust-Bob", true)]
    [InlineData("CUST-BOB", false)]
    public async Task SelfReferral_ByCustomerId_IsExact(string customerId, bool held)
    {
        var program = await _admin.CreateProgramAsync(new { holdDays = 0 });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id, customerId: "cust-Bob");
        var click = await _shopper.ClickAsync((await _admin.CreateLinkAsync(partner.Id)).Code);

        await _storefront.ConvertAsync(Order(100m, click) with { CustomerId = customerId });

        var entry = Assert.Single(await EntriesAsync(partner.Id));
        Assert.Equal(held ? (CommissionStatus.Held, FraudRules.SelfReferral) : (CommissionStatus.Pending, null), (entry.Status, entry.HoldReasons));
    }

    [Fact]
    public async Task HeldCommission_Rejected_NeverPays()
    {
        var program = await _admin.CreateProgramAsync(new { holdDays = 0 });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id);
        var click = await _shopper.ClickAsync((await _admin.CreateLinkAsync(partner.Id)).Code);
        await _storefront.ConvertAsync(Order(100m, click) with { CustomerEmail = "a@yopmail.com" });
        var entry = Assert.Single(await EntriesAsync(partner.Id));

        await (await _admin.PostAsync($"/api/attribution/commissions/{entry.Id}/reject", null, Ct)).ShouldBeAsync<CommissionResponse>(HttpStatusCode.OK);
        var payout = await _admin.PostAsync("/api/attribution/payouts", null, Ct);

        // The class shares one database: other tests' commissions may make a batch; the rejected one is never in it.
        if (payout.StatusCode == HttpStatusCode.Created)
        {
            Assert.DoesNotContain((await payout.ShouldBeAsync<PayoutBatchResponse>(HttpStatusCode.Created)).Items, item => item.PartnerId == partner.Id);
        }
        else
        {
            await payout.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        }

        Assert.Equal(CommissionStatus.Rejected, Assert.Single(await EntriesAsync(partner.Id)).Status);
        await (await _admin.PostAsync($"/api/attribution/commissions/{Guid.NewGuid()}/reject", null, Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task HeldSalesReversal_CannotBeReviewedOnItsOwn_AndNeverDeductsFromAPayoutOnceItsSaleIsRejected()
    {
        var program = await _admin.CreateProgramAsync(new { holdDays = 0, plan = new { type = "percent", rate = 0.10 } });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id);
        var code = (await _admin.CreateLinkAsync(partner.Id)).Code;
        var heldSale = await _storefront.ConvertAsync(Order(100m) with { CouponCode = code, CustomerEmail = "a@yopmail.com" });
        await (await RefundAsync(heldSale.OrderId, 40m)).ShouldBeAsync<RefundResponse>(HttpStatusCode.Created);
        var entries = await EntriesAsync(partner.Id);
        Assert.Equal([(10m, CommissionStatus.Held), (-4m, CommissionStatus.Held)], entries.Select(e => (e.Amount, e.Status)));
        var (sale, reversal) = (entries[0], entries[1]);

        // A reversal follows its sale: neither review verb moves it on its own, and both say to review the sale.
        foreach (var verb in new[] { "release", "reject" })
        {
            var problem = await (await _admin.PostAsync($"/api/attribution/commissions/{reversal.Id}/{verb}", null, Ct)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
            Assert.Contains(sale.Id.ToString(), problem.Detail);
        }

        Assert.All(await EntriesAsync(partner.Id), e => Assert.Equal(CommissionStatus.Held, e.Status));
        await _storefront.ConvertAsync(Order(50m) with { CouponCode = code });
        await _admin.PostAsync("/api/attribution/commissions/approve-due", null, Ct);
        var batch = await (await _admin.PostAsync("/api/attribution/payouts", null, Ct)).ShouldBeAsync<PayoutBatchResponse>(HttpStatusCode.Created);
        var item = Assert.Single(batch.Items, item => item.PartnerId == partner.Id);
        Assert.Equal((5m, 1), (item.Amount, item.EntryCount));

        await (await _admin.PostAsync($"/api/attribution/commissions/{sale.Id}/reject", null, Ct)).ShouldBeAsync<CommissionResponse>(HttpStatusCode.OK);
        Assert.Equal([(10m, CommissionStatus.Rejected), (-4m, CommissionStatus.Rejected), (5m, CommissionStatus.Paid)],
            (await EntriesAsync(partner.Id)).Select(e => (e.Amount, e.Status)));
        var totals = Assert.Single((await _admin.GetFromJsonAsync<LedgerResponse>($"/api/attribution/partners/{partner.Id}/ledger", Ct))!.Totals);
        Assert.Equal((5m, 5m, 0m, 10m), (totals.Earned, totals.Paid, totals.Reversed, totals.Rejected));
        // Analytics takes the rejected sale out of the partner's commission by this event (only the sale's: its reversals go with it).
        var rejected = Assert.Single(await factory.OutboxEventsAsync<CommissionReversed>(e => e.OrderId == heldSale.OrderId && e.Reason == "rejected"));
        Assert.Equal((sale.Id, partner.Id, "sale", 10m, "EUR"), (rejected.CommissionId, rejected.PartnerId, rejected.Kind, rejected.Amount, rejected.Currency));
    }

    [Fact]
    public async Task LeakReportedAfterBooking_HoldsTheUnpaidCommission()
    {
        var (partnerId, sale) = await SaleAsync(100m);

        await factory.QueryDbAsync(async db =>
        {
            var lifecycle = new CommissionLifecycle(db, new CommissionBook(db, factory.Services.GetRequiredService<Api.AttributionMetrics>()), TimeProvider.System);
            await lifecycle.HoldForLeakAsync(sale.OrderId, partnerId, "no_partner_click", Ct);
            return await db.SaveChangesAsync(Ct);
        });

        var entry = Assert.Single(await EntriesAsync(partnerId));
        Assert.Equal((CommissionStatus.Held, "code-leak"), (entry.Status, entry.HoldReasons));
    }

    [Fact]
    public async Task LeakReportedAfterAPartialRefund_HoldsTheReversalWithItsSale_AndARejectedSalePaysNothing()
    {
        var (partnerId, sale) = await SaleAsync(100m);
        await (await RefundAsync(sale.OrderId, 40m)).ShouldBeAsync<RefundResponse>(HttpStatusCode.Created);

        await factory.PublishAsync(new CouponLeakSuspected
        {
            EventId = Guid.NewGuid(), OccurredAt = DateTimeOffset.UtcNow, RedemptionId = Guid.NewGuid(), OrderId = sale.OrderId, CodeId = Guid.NewGuid(),
            Code = "LEAKED10", CampaignId = Guid.NewGuid(), PartnerId = partnerId, Reason = "coupon_site_referrer",
        });
        await Eventually.UntilAsync(async () => (await EntriesAsync(partnerId)).All(e => e.Status == CommissionStatus.Held),
            because: "the late leak flag holds the sale and the reversal that follows it");
        await _admin.PostAsync("/api/attribution/commissions/approve-due", null, Ct);

        var held = await EntriesAsync(partnerId);
        Assert.Equal([(10m, CommissionStatus.Held, "code-leak"), (-4m, CommissionStatus.Held, "code-leak")], held.Select(e => (e.Amount, e.Status, e.HoldReasons)));
        await (await _admin.PostAsync($"/api/attribution/commissions/{held[0].Id}/reject", null, Ct)).ShouldBeAsync<CommissionResponse>(HttpStatusCode.OK);

        Assert.All(await EntriesAsync(partnerId), e => Assert.Equal(CommissionStatus.Rejected, e.Status));
        var ledger = await _admin.GetFromJsonAsync<LedgerResponse>($"/api/attribution/partners/{partnerId}/ledger", Ct);
        var totals = Assert.Single(ledger!.Totals);
        Assert.Equal((0m, 0m, 0m, 0m), (totals.Pending, totals.Approved, totals.Held, totals.Paid));
    }

    [Fact]
    public async Task LeakReportedAfterAPartialRefund_ReleasedSalePaysItsNet()
    {
        var (partnerId, sale) = await SaleAsync(100m);
        await (await RefundAsync(sale.OrderId, 40m)).ShouldBeAsync<RefundResponse>(HttpStatusCode.Created);
        await factory.QueryDbAsync(async db =>
        {
            var lifecycle = new CommissionLifecycle(db, new CommissionBook(db, factory.Services.GetRequiredService<Api.AttributionMetrics>()), TimeProvider.System);
            await lifecycle.HoldForLeakAsync(sale.OrderId, partnerId, "no_partner_click", Ct);
            return await db.SaveChangesAsync(Ct);
        });
        var saleEntry = (await EntriesAsync(partnerId))[0];

        await (await _admin.PostAsync($"/api/attribution/commissions/{saleEntry.Id}/release", null, Ct)).ShouldBeAsync<CommissionResponse>(HttpStatusCode.OK);

        Assert.Equal([(10m, CommissionStatus.Approved), (-4m, CommissionStatus.Approved)], (await EntriesAsync(partnerId)).Select(e => (e.Amount, e.Status)));
        Assert.Equal(2, (await factory.OutboxEventsAsync<CommissionHeld>(e => e.OrderId == sale.OrderId)).Count);
    }

    [Fact]
    public async Task SelfService_LinksCodesAndPayouts_ArePagedWithACursor()
    {
        var (partnerId, _) = await SaleAsync(100m);
        var secondCode = (await _admin.CreateLinkAsync(partnerId)).Code;
        await _admin.CreateLinkAsync(partnerId);
        var partner = factory.CreatePartnerClient(partnerId);
        await _admin.PostAsync("/api/attribution/commissions/approve-due", null, Ct);
        await _admin.PostAsync("/api/attribution/payouts", null, Ct);
        await _storefront.ConvertAsync(Order(50m, await _shopper.ClickAsync(secondCode)));
        await _admin.PostAsync("/api/attribution/commissions/approve-due", null, Ct);
        await _admin.PostAsync("/api/attribution/payouts", null, Ct);

        var links = await PagesAsync<LinkResponse>(partner, "/api/attribution/me/links", 2);
        var codes = await PagesAsync<CodeResponse>(partner, "/api/attribution/me/codes", 2);
        var payouts = await PagesAsync<PartnerPayoutResponse>(partner, "/api/attribution/me/payouts", 1);
        var asAdmin = await PagesAsync<PartnerPayoutResponse>(_admin, $"/api/attribution/partners/{partnerId}/payouts", 1);

        Assert.Equal([2, 1], links.Select(page => page.Count));
        Assert.Equal(3, links.SelectMany(page => page).Select(link => link.Code).Distinct().Count());
        Assert.Equal(links.SelectMany(page => page).Select(link => link.Code), codes.SelectMany(page => page).Select(code => code.Code));
        Assert.Equal([[10.00m], [5.00m]], payouts.Select(page => page.Select(item => item.Amount)));
        Assert.Equal(payouts.SelectMany(page => page).Select(item => item.PayoutBatchId), asAdmin.SelectMany(page => page).Select(item => item.PayoutBatchId));
        await (await partner.GetAsync("/api/attribution/me/links?after=not-a-cursor", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await partner.GetAsync("/api/attribution/me/payouts?limit=0", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    /// <summary>Every page of a paged list, following <c>nextCursor</c> until there is none.</summary>
    private static async Task<List<List<T>>> PagesAsync<T>(HttpClient client, string path, int limit)
    {
        var pages = new List<List<T>>();
        string? cursor = null;
        do
        {
            var page = (await client.GetFromJsonAsync<PageResponse<T>>($"{path}?limit={limit}{(cursor is null ? "" : $"&after={cursor}")}", Ct))!;
            pages.Add([.. page.Items]);
            cursor = page.NextCursor;
        }
        while (cursor is not null && pages.Count < 10);

        return pages;
    }

    [Fact]
    public async Task PartnerScope_PartnersSeeOnlyTheirOwnData()
    {
        var (partnerId, _) = await SaleAsync(100m);
        var (otherId, _) = await SaleAsync(50m);
        var partner = factory.CreatePartnerClient(partnerId);

        var mine = await partner.GetFromJsonAsync<PageResponse<CommissionResponse>>("/api/attribution/me/commissions", Ct);
        var csv = await partner.GetStringAsync("/api/attribution/me/ledger.csv", Ct);
        var summary = await partner.GetFromJsonAsync<Api.Clicks.ClickSummaryResponse>("/api/attribution/me/clicks/summary", Ct);
        var codes = (await partner.GetFromJsonAsync<PageResponse<CodeResponse>>("/api/attribution/me/codes", Ct))!.Items;

        Assert.All(mine!.Items, c => Assert.Equal(partnerId, c.PartnerId));
        Assert.Single(mine.Items);
        Assert.Equal(2, csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal((1L, 1L), (summary!.Clicks, summary.UniqueVisitors));
        Assert.Single(codes!);
        Assert.Equal(HttpStatusCode.Forbidden, (await partner.GetAsync($"/api/attribution/partners/{otherId}/ledger", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await partner.GetAsync($"/api/attribution/partners/{otherId}/commissions", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await partner.GetAsync($"/api/attribution/partners/{otherId}/clicks/summary", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await partner.GetAsync("/api/attribution/commissions", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await partner.PostAsync("/api/attribution/payouts", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await _admin.GetAsync("/api/attribution/me/ledger", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _shopper.GetAsync("/api/attribution/me/ledger", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _admin.GetAsync($"/api/attribution/partners/{otherId}/ledger", Ct)).StatusCode);
    }

    [Fact]
    public async Task Conversion_NegativeOrZeroTotal_Is400()
    {
        await (await _storefront.PostAsJsonAsync("/api/attribution/conversions", Order(-10m), Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await _storefront.PostAsJsonAsync("/api/attribution/conversions", Order(0m), Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }
}
