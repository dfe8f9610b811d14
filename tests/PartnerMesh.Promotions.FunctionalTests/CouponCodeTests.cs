using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Promotions.FunctionalTests;

/// <summary>
/// Promotions with a stand-in coupons service on a real port, as service discovery finds it: <c>CPN-{promotion id}</c>
/// is valid for that promotion (its campaign allows one code per order, coupons' default), <c>ALT-{promotion id}</c> too
/// (another code of that campaign), <c>STK-{promotion id}</c> too (a stackable campaign's), <c>EXPIRED-*</c> is refused as expired (with coupons' detail), <c>SLOW-*</c> answers after the timeout,
/// <c>BROKEN-*</c> answers 500, <c>DOWN-*</c> 503, <c>GONE-*</c> 404, <c>CANNOT-*</c> the 400 coupons answers for a string
/// that cannot be a code (a validation problem naming <c>code</c>), <c>EMAIL-*</c> a 400 naming another field, anything else
/// is unknown (<c>valid: false, reason: unknown</c>, as coupons answers).
/// </summary>
public sealed class CouponCodeTests : IClassFixture<CouponCodeTests.Factory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly Factory _factory;
    private readonly HttpClient _admin;
    private readonly HttpClient _storefront;

    public CouponCodeTests(Factory factory) => (_factory, _admin, _storefront) = (factory, factory.Admin(), factory.Storefront());

    private const string ExpiredDetail = "The campaign ended at 2026-01-01T00:00:00.0000000+00:00.";

    public sealed class Factory : PromotionsApiFactory
    {
        private WebApplication? _coupons;

        public List<JsonObject> Requests { get; } = [];

        /// <summary>Partner codes the fake coupons service knows: code → the promotion it unlocks and its partner.</summary>
        public System.Collections.Concurrent.ConcurrentDictionary<string, (Guid PromotionId, Guid PartnerId)> PartnerCodes { get; } = new();

        /// <summary>Codes answered by a test's own rule: code → the answer for the request's body (an <see cref="IResult"/>
        /// is answered as it is: a 503, say).</summary>
        public System.Collections.Concurrent.ConcurrentDictionary<string, Func<JsonObject, object>> Answers { get; } = new();

        /// <summary>Clicks the fake attribution service knows: click id → partner.</summary>
        public System.Collections.Concurrent.ConcurrentDictionary<Guid, Guid> ClickPartners { get; } = new();

        private int _clickLookups;

        public int ClickLookups => Volatile.Read(ref _clickLookups);

        protected override void ConfigureTestSettings(IDictionary<string, string?> settings)
        {
            base.ConfigureTestSettings(settings);
            // Port 0, kept bound: two test classes build this fixture at once, and a port chosen free and bound
            // later could be taken by the other in between.
            var coupons = WebApplication.CreateSlimBuilder();
            coupons.WebHost.UseUrls("http://127.0.0.1:0");
            _coupons = coupons.Build();
            _coupons.MapPost("/api/coupons/validations", async (HttpRequest request) =>
            {
                var body = (await request.ReadFromJsonAsync<JsonObject>())!;
                lock (Requests)
                {
                    Requests.Add(body);
                }

                var code = body["code"]!.GetValue<string>();
                if (code.StartsWith("SLOW-", StringComparison.Ordinal))
                {
                    await Task.Delay(TimeSpan.FromSeconds(3));
                }

                return code switch
                {
                    _ when Answers.TryGetValue(code, out var answer) => answer(body) is var given && given is IResult result ? result : Results.Ok(given),
                    _ when PartnerCodes.TryGetValue(code, out var owner) => Results.Ok(new
                    {
                        valid = true, code, promotionId = owner.PromotionId, partnerId = owner.PartnerId, reason = (string?)null,
                    }),
                    _ when code.StartsWith("CPN-", StringComparison.Ordinal) || code.StartsWith("ALT-", StringComparison.Ordinal) =>
                        Results.Ok(new { valid = true, code, promotionId = Guid.ParseExact(code[4..], "N"), stackable = false, reason = (string?)null }),
                    _ when code.StartsWith("STK-", StringComparison.Ordinal) =>
                        Results.Ok(new { valid = true, code, promotionId = Guid.ParseExact(code[4..], "N"), stackable = true, reason = (string?)null }),
                    _ when code.StartsWith("EXPIRED-", StringComparison.Ordinal) =>
                        Results.Ok(new { valid = false, code, reason = "expired", detail = ExpiredDetail }),
                    _ when code.StartsWith("BROKEN-", StringComparison.Ordinal) => Results.StatusCode(500),
                    _ when code.StartsWith("SLOW-", StringComparison.Ordinal) => Results.Ok(new { valid = false, code, reason = "too_late" }),
                    _ when code.StartsWith("GONE-", StringComparison.Ordinal) => Results.NotFound(),
                    _ when code.StartsWith("DOWN-", StringComparison.Ordinal) => Results.StatusCode(503),
                    _ when code.StartsWith("CANNOT-", StringComparison.Ordinal) => Results.ValidationProblem(new Dictionary<string, string[]>
                    {
                        ["code"] = ["A code has 1 to 64 of the characters A-Z, 0-9, '-' and '_'."],
                    }),
                    _ when code.StartsWith("EMAIL-", StringComparison.Ordinal) => Results.ValidationProblem(new Dictionary<string, string[]>
                    {
                        ["customer.email"] = ["An e-mail address has an '@'."],
                    }),
                    _ => Results.Ok(new { valid = false, code, reason = "unknown" }),
                };
            });
            _coupons.MapGet("/api/attribution/clicks/{clickId:guid}", (Guid clickId) =>
            {
                Interlocked.Increment(ref _clickLookups);
                return ClickPartners.TryGetValue(clickId, out var partner)
                    ? Results.Ok(new { clickId, partnerId = partner, code = "abc", occurredAt = DateTimeOffset.UtcNow })
                    : Results.NotFound();
            });
            _coupons.StartAsync().GetAwaiter().GetResult();
            var address = _coupons.Urls.Single();
            settings["services:coupons-api:http:0"] = address;
            settings["services:attribution-api:http:0"] = address; // the same fake answers for attribution
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            if (_coupons is not null)
            {
                await _coupons.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task CodeValidatedByCoupons_UnlocksItsPromotion_WithCustomerAndCartSent()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var definition = PromotionsTestClient.PercentOffProduct(product, 20);
        definition["requiresCode"] = true; // no codes of its own: only coupons' codes unlock it
        var id = await _admin.PublishAsync(definition);
        var code = $"CPN-{id:N}".ToLowerInvariant();

        var evaluation = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("l", product, 2, 25m, null))
            .With("codes", new JsonArray(code)).With("customer", new JsonObject { ["email"] = "Guest@Example.com" }));

        Assert.Equal(10m, evaluation.Applied(id)!["amount"]!.GetValue<decimal>());
        Assert.Equal(code.ToUpperInvariant(), evaluation.Applied(id)!["code"]!.GetValue<string>());
        Assert.Equal("applied", evaluation["codes"]![0]!["status"]!.GetValue<string>());
        var normalized = code.ToUpperInvariant();
        JsonObject sent;
        lock (_factory.Requests)
        {
            sent = _factory.Requests.Last(request => request["code"]!.GetValue<string>() == normalized);
        }

        Assert.Equal(50m, sent["cartTotal"]!.GetValue<decimal>());
        Assert.Equal("guest@example.com", sent["customer"]!["email"]!.GetValue<string>());
    }

    [Fact]
    public async Task RequiresCodeWithoutOwnCodes_OnlyACodeCouponsVouchesForThisPromotionUnlocksIt()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var definition = PromotionsTestClient.PercentOffProduct(product, 20);
        definition["requiresCode"] = true;
        var id = await _admin.PublishAsync(definition);
        var other = await _admin.PublishAsync(PromotionsTestClient.PercentOffProduct(PromotionsTestClient.UniqueProduct(), 5).With("requiresCode", true));
        var cart = PromotionsTestClient.Cart(("l", product, 1, 50m, null));

        var noCode = await _storefront.EvaluateAsync(cart);
        var unknownCode = await _storefront.EvaluateAsync(cart.With("codes", new JsonArray($"ANY-{Guid.NewGuid():N}")));
        var othersCode = await _storefront.EvaluateAsync(cart.With("codes", new JsonArray($"CPN-{other:N}")));
        var ownCoupon = await _storefront.EvaluateAsync(cart.With("codes", new JsonArray($"CPN-{id:N}")));

        Assert.All(new[] { noCode, unknownCode, othersCode }, evaluation => Assert.Equal("code_required", evaluation.RejectionReason(id)));
        Assert.Equal(10m, ownCoupon.Applied(id)!["amount"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task PartnersOwnCode_IsThatPartnersTraffic_ForPartnerOnlyPromotions()
    {
        var partner = Guid.NewGuid();
        var product = PromotionsTestClient.UniqueProduct();
        var unlocked = PromotionsTestClient.PercentOffProduct(product, 10);
        unlocked["requiresCode"] = true;
        var codeId = await _admin.PublishAsync(unlocked);
        var partnerOnly = PromotionsTestClient.PercentOffProduct(product, 5, "partner traffic only");
        partnerOnly["conditions"] = new JsonArray(new JsonObject { ["type"] = "partner", ["partnerIds"] = new JsonArray(partner) });
        var partnerOnlyId = await _admin.PublishAsync(partnerOnly);
        var cart = PromotionsTestClient.Cart(("l", product, 1, 40m, null));
        var code = $"PARTNER-{Guid.NewGuid():N}"[..20].ToUpperInvariant();
        _factory.PartnerCodes[code] = (codeId, partner);

        var withCode = await _storefront.EvaluateAsync(cart.With("codes", new JsonArray(code)));
        var withoutCode = await _storefront.EvaluateAsync(cart);

        Assert.NotNull(withCode.Applied(codeId));
        Assert.NotNull(withCode.Applied(partnerOnlyId));
        Assert.Equal(partner, withCode["quote"]!["partnerId"]!.GetValue<Guid>());
        Assert.Equal("not_for_partner", withoutCode.RejectionReason(partnerOnlyId));
    }

    [Fact]
    public async Task PartnersClick_IsThatPartnersTraffic_UnknownClickIsNot_AndAClickIsAskedAboutOnce()
    {
        var partner = Guid.NewGuid();
        var product = PromotionsTestClient.UniqueProduct();
        var partnerOnly = PromotionsTestClient.PercentOffProduct(product, 5, "partner traffic only");
        partnerOnly["conditions"] = new JsonArray(new JsonObject { ["type"] = "partner", ["partnerIds"] = new JsonArray(partner) });
        var id = await _admin.PublishAsync(partnerOnly);
        var cart = PromotionsTestClient.Cart(("l", product, 1, 40m, null));
        var click = Guid.CreateVersion7();
        _factory.ClickPartners[click] = partner;

        var fromClick = await _storefront.EvaluateAsync(cart.With("clickId", click));
        var lookups = _factory.ClickLookups;
        var again = await _storefront.EvaluateAsync(cart.With("clickId", click).With("touchpoint", "checkout"));
        var lookupsAfterAgain = _factory.ClickLookups;
        var unknownClick = await _storefront.EvaluateAsync(cart.With("clickId", Guid.CreateVersion7()));
        var otherPartnerNamed = await _storefront.EvaluateAsync(cart.With("clickId", click).With("partnerId", await _factory.RegisterPartnerAsync()));

        Assert.NotNull(fromClick.Applied(id));
        Assert.Equal(partner, fromClick["quote"]!["partnerId"]!.GetValue<Guid>());
        Assert.NotNull(again.Applied(id));
        Assert.Equal(lookups, lookupsAfterAgain); // a click's partner is remembered
        Assert.Equal("not_for_partner", unknownClick.RejectionReason(id));
        Assert.Equal("not_for_partner", otherPartnerNamed.RejectionReason(id)); // the partner the storefront names wins
    }

    [Fact]
    public async Task CodesOfOneCodePerOrderCampaigns_OnlyOneApplies_TheLargerDiscount_WhateverTheEntryOrder()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var (ten, twenty) = (await CouponsOnlyAsync(product, 10), await CouponsOnlyAsync(product, 20));
        var (tenCode, twentyCode) = ($"CPN-{ten:N}".ToUpperInvariant(), $"CPN-{twenty:N}".ToUpperInvariant());
        var cart = PromotionsTestClient.Cart(("l", product, 1, 100m, null));

        foreach (var codes in new[] { new JsonArray(tenCode, twentyCode), new JsonArray(twentyCode, tenCode) })
        {
            foreach (var touchpoint in new[] { "cart", "checkout" })
            {
                var evaluation = await _storefront.EvaluateAsync(cart.With("codes", codes.DeepClone()).With("touchpoint", touchpoint));

                Assert.Equal(20m, evaluation.Applied(twenty)!["amount"]!.GetValue<decimal>());
                Assert.Null(evaluation.Applied(ten));
                Assert.Equal("one_code_per_order", evaluation.RejectionReason(ten));
                Assert.Equal(20m, evaluation.Total("discountTotal"));
                Assert.Equal("applied", CodeResult(evaluation, twentyCode)["status"]!.GetValue<string>());
                var left = CodeResult(evaluation, tenCode);
                Assert.Equal(("not_applied", "one_code_per_order", ten),
                    (left["status"]!.GetValue<string>(), left["reason"]!.GetValue<string>(), left["promotionId"]!.GetValue<Guid>()));
                Assert.Contains(twentyCode, left["detail"]!.GetValue<string>(), StringComparison.Ordinal);
                Assert.Equal([twenty], evaluation["quote"]!["promotions"]!.AsArray().Select(quoted => quoted!["promotionId"]!.GetValue<Guid>()));
            }
        }
    }

    [Fact]
    public async Task CodesOfOneCodePerOrderCampaigns_GivingTheSame_TheOrdinallyFirstCodeApplies_WhateverTheEntryOrder()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var (first, second) = (await CouponsOnlyAsync(product, 10), await CouponsOnlyAsync(product, 10));
        var (firstCode, secondCode) = ($"CPN-{first:N}".ToUpperInvariant(), $"CPN-{second:N}".ToUpperInvariant());
        if (string.CompareOrdinal(firstCode, secondCode) > 0)
        {
            (first, second, firstCode, secondCode) = (second, first, secondCode, firstCode);
        }

        var cart = PromotionsTestClient.Cart(("l", product, 1, 100m, null));
        foreach (var codes in new[] { new JsonArray(firstCode, secondCode), new JsonArray(secondCode, firstCode) })
        {
            var evaluation = await _storefront.EvaluateAsync(cart.With("codes", codes));

            Assert.Equal(10m, evaluation.Applied(first)!["amount"]!.GetValue<decimal>());
            Assert.Equal("one_code_per_order", evaluation.RejectionReason(second));
            Assert.Equal("one_code_per_order", CodeResult(evaluation, secondCode)["reason"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task CodesOfStackableCampaigns_ApplyTogether_ButNotWithAOneCodePerOrderCode()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var (stackA, stackB, sole) = (await CouponsOnlyAsync(product, 10), await CouponsOnlyAsync(product, 5), await CouponsOnlyAsync(product, 12));
        var (stackACode, stackBCode, soleCode) = ($"STK-{stackA:N}".ToUpperInvariant(), $"STK-{stackB:N}".ToUpperInvariant(), $"CPN-{sole:N}".ToUpperInvariant());
        var cart = PromotionsTestClient.Cart(("l", product, 1, 100m, null));

        var stacked = await _storefront.EvaluateAsync(cart.With("codes", new JsonArray(stackACode, stackBCode)));
        var soleAlone = await _storefront.EvaluateAsync(cart.With("codes", new JsonArray(stackACode, soleCode)));
        var bothStackable = await _storefront.EvaluateAsync(cart.With("codes", new JsonArray(soleCode, stackBCode, stackACode)));

        Assert.NotNull(stacked.Applied(stackA));
        Assert.NotNull(stacked.Applied(stackB));
        // 10 % alone (10.00) against 12 % alone (12.00): the code of the one-code-per-order campaign gives more.
        Assert.NotNull(soleAlone.Applied(sole));
        Assert.Equal("one_code_per_order", soleAlone.RejectionReason(stackA));
        // 10 % then 5 % together (14.50) against 12 % alone: the stackable codes give more.
        Assert.Equal(14.5m, bothStackable.Total("discountTotal"));
        Assert.Equal("one_code_per_order", bothStackable.RejectionReason(sole));
        Assert.Equal("one_code_per_order", CodeResult(bothStackable, soleCode)["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task TwoValidCouponsCodes_OfOnePromotion_TheOrdinallyFirstApplies_TheOtherIsAppliedWithAnotherCode()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var id = await CouponsOnlyAsync(product, 10);
        // ALT- and CPN-: two codes of one campaign; CPN- and STK-: codes of two campaigns naming the promotion.
        var (alt, cpn, stk) = ($"ALT-{id:N}".ToUpperInvariant(), $"CPN-{id:N}".ToUpperInvariant(), $"STK-{id:N}".ToUpperInvariant());
        var cart = PromotionsTestClient.Cart(("l", product, 1, 40m, null));

        foreach (var (first, second) in new[] { (alt, cpn), (cpn, stk) })
        {
            foreach (var codes in new[] { new JsonArray(first, second), new JsonArray(second, first) })
            {
                var evaluation = await _storefront.EvaluateAsync(cart.With("codes", codes));

                Assert.Equal(4m, evaluation.Applied(id)!["amount"]!.GetValue<decimal>());
                Assert.Equal(first, evaluation.Applied(id)!["code"]!.GetValue<string>());
                Assert.Equal("applied", CodeResult(evaluation, first)["status"]!.GetValue<string>());
                var other = CodeResult(evaluation, second);
                Assert.Equal(("not_applied", "applied_with_another_code", (Guid?)id),
                    (other["status"]!.GetValue<string>(), other["reason"]?.GetValue<string>(), other["promotionId"]?.GetValue<Guid>()));
                Assert.Contains(first, other["detail"]!.GetValue<string>(), StringComparison.Ordinal);
                Assert.Equal([id], other["promotionIds"]!.AsArray().Select(promotion => promotion!.GetValue<Guid>()));
            }
        }
    }

    [Fact]
    public async Task ValidCode_OfAPromotionThatIsNotLive_IsNotApplied_WithAReasonAndDetail()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var definition = PromotionsTestClient.PercentOffProduct(product, 10).With("requiresCode", true);
        var created = await _admin.PostAsJsonAsync("/api/promotions/definitions", new JsonObject { ["definition"] = definition }, Ct);
        var draft = (await created.ShouldBeAsync<JsonObject>(HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        var paused = await CouponsOnlyAsync(product, 10);
        var pause = await _admin.PostAsJsonAsync($"/api/promotions/definitions/{paused}/pause", new JsonObject { ["reason"] = "test" }, Ct);
        await pause.ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var cart = PromotionsTestClient.Cart(("l", product, 1, 50m, null));

        foreach (var promotion in new[] { draft, paused, Guid.NewGuid() })
        {
            var code = $"CPN-{promotion:N}".ToUpperInvariant();
            var evaluation = await _storefront.EvaluateAsync(cart.With("codes", new JsonArray(code)));

            var result = CodeResult(evaluation, code);
            Assert.Equal(("not_applied", "promotion_not_live", promotion),
                (result["status"]!.GetValue<string>(), result["reason"]?.GetValue<string>(), result["promotionId"]!.GetValue<Guid>()));
            Assert.Contains(promotion.ToString(), result["detail"]?.GetValue<string>() ?? "", StringComparison.Ordinal);
            Assert.Equal(0m, evaluation.Total("discountTotal"));
        }
    }

    [Fact]
    public async Task WithoutItsCode_CouponsOnlyPromotion_IsNotApplied()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var definition = PromotionsTestClient.PercentOffProduct(product, 20);
        definition["requiresCode"] = true;
        var id = await _admin.PublishAsync(definition);

        var evaluation = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("l", product, 1, 25m, null)));

        Assert.Null(evaluation.Applied(id));
        Assert.Equal("code_required", evaluation.RejectionReason(id));
    }

    [Theory]
    [InlineData("EXPIRED-1", "expired")]
    [InlineData("BROKEN-1", "coupon_service_unavailable")]
    [InlineData("DOWN-1", "coupon_service_unavailable")]
    [InlineData("EMAIL-1", "coupon_service_unavailable")]
    [InlineData("SLOW-1", "coupon_service_unavailable")]
    public async Task RefusedOrUnreachable_CodeReportedWithReason_EvaluationStillAnswers(string code, string reason)
    {
        var evaluation = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("l", "p", 1, 10m, null)).With("codes", new JsonArray(code)));

        var result = evaluation["codes"]![0]!;
        Assert.Equal("refused", result["status"]!.GetValue<string>());
        Assert.Equal(reason, result["reason"]!.GetValue<string>());
        Assert.Equal(10m, evaluation.Total("itemsSubtotal"));
    }

    [Fact]
    public async Task RefusedCode_CarriesCouponsDetail()
    {
        var evaluation = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("l", "p", 1, 10m, null)).With("codes", new JsonArray("EXPIRED-2")));

        var result = evaluation["codes"]![0]!;
        Assert.Equal("expired", result["reason"]!.GetValue<string>());
        Assert.Equal(ExpiredDetail, result["detail"]?.GetValue<string>());
    }

    [Fact]
    public async Task Preview_AsksCouponsAboutItsTime_AnEvaluationForNowAsksAboutNow()
    {
        var at = new DateTimeOffset(2031, 11, 28, 9, 30, 0, TimeSpan.Zero);
        var (previewed, now) = ($"ANY-{Guid.NewGuid():N}".ToUpperInvariant(), $"ANY-{Guid.NewGuid():N}".ToUpperInvariant());
        var cart = PromotionsTestClient.Cart(("l", "p", 1, 10m, null));

        await _storefront.EvaluateAsync(cart.With("codes", new JsonArray(previewed)).With("at", at.ToString("O", CultureInfo.InvariantCulture)));
        await _storefront.EvaluateAsync(cart.With("codes", new JsonArray(now)));

        lock (_factory.Requests)
        {
            Assert.Equal(at, _factory.Requests.Last(request => request["code"]!.GetValue<string>() == previewed)["at"]!.GetValue<DateTimeOffset>());
            Assert.Null(_factory.Requests.Last(request => request["code"]!.GetValue<string>() == now)["at"]);
        }
    }

    [Fact]
    public async Task CodeCouponsDoesNotKnow_IsUnknown_AndAnOwnCodeCouponsDoesNotKnow_IsThePromotionsOwn()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var own = $"OWN{Guid.NewGuid():N}"[..12];
        var definition = PromotionsTestClient.PercentOffProduct(product, 5);
        definition["requiresCode"] = true;
        definition["codes"] = new JsonArray(own);
        var id = await _admin.PublishAsync(definition);

        var evaluation = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("l", product, 1, 10m, null))
            .With("codes", new JsonArray(own, "NOBODY-KNOWS", "GONE-1")));

        Assert.NotNull(evaluation.Applied(id));
        Assert.Equal("unknown", evaluation["codes"]![1]!["status"]!.GetValue<string>());
        Assert.Equal("unknown", evaluation["codes"]![2]!["status"]!.GetValue<string>());
        var ownNormalized = own.ToUpperInvariant();
        lock (_factory.Requests)
        {
            Assert.Contains(_factory.Requests, request => request["code"]!.GetValue<string>() == ownNormalized); // coupons is asked first
        }
    }

    [Fact]
    public async Task OwnCodeThatCouponsKnows_IsTheCouponsCode_NotThePromotionsOwn()
    {
        // A coupons partner code that a later promotion also lists (or a coupons code created equal to a promotion's own
        // code): one code, one owner — coupons' answer wins, the partner's pricing and promotion stand.
        var partner = Guid.NewGuid();
        var product = PromotionsTestClient.UniqueProduct();
        var couponsPromotion = PromotionsTestClient.PercentOffProduct(product, 10, "coupons campaign's promotion");
        couponsPromotion["requiresCode"] = true;
        var couponsPromotionId = await _admin.PublishAsync(couponsPromotion);
        var code = $"PARTNER-{Guid.NewGuid():N}"[..20].ToUpperInvariant();
        _factory.PartnerCodes[code] = (couponsPromotionId, partner);
        var own = PromotionsTestClient.PercentOffProduct(product, 2, "own code equal to the coupons code");
        own["requiresCode"] = true;
        own["codes"] = new JsonArray(code.ToLowerInvariant());
        var ownId = await _admin.PublishAsync(own);

        var evaluation = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("l", product, 1, 50m, null)).With("codes", new JsonArray(code)));

        Assert.Equal(5m, evaluation.Applied(couponsPromotionId)!["amount"]!.GetValue<decimal>());
        Assert.Null(evaluation.Applied(ownId));
        Assert.Equal("code_required", evaluation.RejectionReason(ownId));
        Assert.Equal(partner, evaluation["partner"]!["partnerId"]!.GetValue<Guid>());
        var result = evaluation["codes"]![0]!;
        Assert.Equal(("applied", couponsPromotionId), (result["status"]!.GetValue<string>(), result["promotionId"]!.GetValue<Guid>()));
        Assert.Equal([couponsPromotionId], result["promotionIds"]!.AsArray().Select(id => id!.GetValue<Guid>()));
    }

    [Theory]
    [InlineData("EXPIRED-")] // coupons knows it, refused: the promotion's own list does not take it over
    public async Task OwnCodeThatCouponsRefuses_IsRefused_NotThePromotionsOwn(string prefix)
    {
        var product = PromotionsTestClient.UniqueProduct();
        var code = $"{prefix}{Guid.NewGuid():N}"[..20];
        var own = PromotionsTestClient.PercentOffProduct(product, 10);
        own["requiresCode"] = true;
        own["codes"] = new JsonArray(code);
        var ownId = await _admin.PublishAsync(own);

        var evaluation = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("l", product, 1, 50m, null)).With("codes", new JsonArray(code)));

        Assert.Null(evaluation.Applied(ownId));
        Assert.Equal(("refused", "expired"), (evaluation["codes"]![0]!["status"]!.GetValue<string>(), evaluation["codes"]![0]!["reason"]!.GetValue<string>()));
    }

    [Fact]
    public async Task OwnCode_WhenCouponsCannotAnswer_IsThePromotionsOwn()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var code = $"DOWN-{Guid.NewGuid():N}"[..20]; // the fake coupons answers 503
        var own = PromotionsTestClient.PercentOffProduct(product, 10);
        own["requiresCode"] = true;
        own["codes"] = new JsonArray(code);
        var ownId = await _admin.PublishAsync(own);

        var evaluation = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("l", product, 1, 50m, null)).With("codes", new JsonArray(code)));

        Assert.Equal(5m, evaluation.Applied(ownId)!["amount"]!.GetValue<decimal>());
        Assert.Equal("applied", evaluation["codes"]![0]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task PaddedCodeOf64Characters_IsThatCode_AndOnlyALongerOneIsA400()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var code = ("L" + Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N"))[..64].ToUpperInvariant();
        var own = PromotionsTestClient.PercentOffProduct(product, 10);
        own["requiresCode"] = true;
        own["codes"] = new JsonArray(code);
        var ownId = await _admin.PublishAsync(own);
        var cart = PromotionsTestClient.Cart(("l", product, 1, 50m, null));

        foreach (var padded in new[] { " " + code + " ", "\t" + code.ToLowerInvariant() + "\n", " " + FullWidth(code) })
        {
            var evaluation = await _storefront.EvaluateAsync(cart.With("codes", new JsonArray(padded)));
            Assert.Equal(5m, evaluation.Applied(ownId)!["amount"]!.GetValue<decimal>());
        }

        var tooLong = await _storefront.PostAsJsonAsync("/api/promotions/evaluations", cart.With("codes", new JsonArray(" " + code + "X ")), Ct);
        var problem = await tooLong.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["codes"], ((JsonElement)problem.Extensions["errors"]!).EnumerateObject().Select(error => error.Name));
    }

    [Theory]
    [InlineData("CANNOT-1")] // coupons' 400 for a string that cannot be a code
    [InlineData("GONE-1")]   // 404
    [InlineData("NOBODY-KNOWS")] // 200 valid: false, reason: unknown
    public async Task CouponsSaysTheCodeDoesNotExist_IsUnknown_NotAnOutage(string code)
    {
        var evaluation = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("l", "p", 1, 10m, null)).With("codes", new JsonArray(code)));

        var result = evaluation["codes"]![0]!;
        Assert.Equal((code, "unknown"), (result["code"]!.GetValue<string>(), result["status"]!.GetValue<string>()));
        Assert.Null(result["reason"]?.GetValue<string>());
    }

    [Theory]
    [InlineData("SPR\u0131NG-{0}", "SPRING-{0}")] // dotless ı
    [InlineData("{0}-\u0406X", "{0}-IX")]         // Cyrillic І
    [InlineData("{0}\u200BX", "{0}X")]            // zero-width space
    [InlineData("{0} NOPE", "{0}NOPE")]           // inner space
    public async Task LookAlikeOrMistypedCode_IsUnknown_NeverAskedOfCoupons_AndNeverMatchesTheCodeItImitates(string typed, string imitated)
    {
        var unique = $"{Guid.NewGuid():N}"[..8].ToUpperInvariant();
        var entered = string.Format(CultureInfo.InvariantCulture, typed, unique);
        var product = PromotionsTestClient.UniqueProduct();
        var definition = PromotionsTestClient.PercentOffProduct(product, 10);
        definition["requiresCode"] = true;
        definition["codes"] = new JsonArray(string.Format(CultureInfo.InvariantCulture, imitated, unique));
        var id = await _admin.PublishAsync(definition);
        var asked = AskedCount();

        var evaluation = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("l", product, 1, 10m, null)).With("codes", new JsonArray(entered)));

        var result = evaluation["codes"]![0]!;
        Assert.Equal((entered, "unknown"), (result["code"]!.GetValue<string>(), result["status"]!.GetValue<string>()));
        Assert.Null(evaluation.Applied(id));
        Assert.Equal(asked, AskedCount());
    }

    [Fact]
    public async Task CodesTypedFullWidth_MatchAsCouponsMatchesThem_OwnAndCoupons_EachOnceInTheAnswer()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var own = $"OWN-{Guid.NewGuid():N}"[..16].ToUpperInvariant();
        var ownDefinition = PromotionsTestClient.PercentOffProduct(product, 10, "own code");
        ownDefinition["requiresCode"] = true;
        ownDefinition["codes"] = new JsonArray(FullWidth(own.ToLowerInvariant())); // stored as typed, matched normalised
        var ownId = await _admin.PublishAsync(ownDefinition);
        var couponsOnly = PromotionsTestClient.PercentOffProduct(product, 5, "coupons code");
        couponsOnly["requiresCode"] = true;
        var couponsId = await _admin.PublishAsync(couponsOnly);
        var couponsCode = $"CPN-{couponsId:N}".ToUpperInvariant();
        var asked = AskedCount();

        var evaluation = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("l", product, 1, 100m, null))
            .With("codes", new JsonArray(own, FullWidth(own), couponsCode, FullWidth(couponsCode.ToLowerInvariant()))));

        Assert.Equal(own, evaluation.Applied(ownId)!["code"]!.GetValue<string>());
        Assert.Equal(couponsCode, evaluation.Applied(couponsId)!["code"]!.GetValue<string>());
        var codes = evaluation["codes"]!.AsArray().Select(entry => (entry!["code"]!.GetValue<string>(), entry["status"]!.GetValue<string>()));
        Assert.Equal([(own, "applied"), (couponsCode, "applied")], codes);
        lock (_factory.Requests)
        {
            Assert.Equal([couponsCode, own], _factory.Requests.Skip(asked).Select(request => request["code"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        }
    }

    [Theory]
    [InlineData("SPR\u0131NG")]
    [InlineData("\u0406X")]
    [InlineData("A\u200BB")]
    [InlineData("TWO WORDS")]
    public async Task Create_WithACodeCouponsRefuses_Is400NamingIt(string code)
    {
        var definition = PromotionsTestClient.PercentOffProduct(PromotionsTestClient.UniqueProduct(), 10);
        definition["requiresCode"] = true;
        definition["codes"] = new JsonArray("FINE", code);

        var response = await _admin.PostAsJsonAsync("/api/promotions/definitions", new JsonObject { ["definition"] = definition }, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["definition.codes[1]"], ((JsonElement)problem.Extensions["errors"]!).EnumerateObject().Select(error => error.Name));
    }

    [Fact]
    public async Task Create_TheSameCodeTwiceOnceFullWidth_Is400()
    {
        var definition = PromotionsTestClient.PercentOffProduct(PromotionsTestClient.UniqueProduct(), 10);
        definition["requiresCode"] = true;
        definition["codes"] = new JsonArray("SUMMER10", FullWidth("summer10"));

        var response = await _admin.PostAsJsonAsync("/api/promotions/definitions", new JsonObject { ["definition"] = definition }, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        var error = Assert.Single(((JsonElement)problem.Extensions["errors"]!).EnumerateObject());
        Assert.Equal("definition.codes[1]", error.Name);
        Assert.Contains("listed twice", error.Value[0].GetString(), StringComparison.Ordinal);
    }

    /// <summary>A promotion only coupons' codes unlock (<c>requiresCode</c>, no codes of its own), percent off the product.</summary>
    private Task<Guid> CouponsOnlyAsync(string product, decimal percent) =>
        _admin.PublishAsync(PromotionsTestClient.PercentOffProduct(product, percent, $"{percent} % with a coupon").With("requiresCode", true));

    private static JsonObject CodeResult(JsonObject evaluation, string code) =>
        evaluation["codes"]!.AsArray().OfType<JsonObject>().Single(entry => entry["code"]!.GetValue<string>() == code);

    private int AskedCount()
    {
        lock (_factory.Requests)
        {
            return _factory.Requests.Count;
        }
    }

    /// <summary>ASCII letters, digits and '-' typed full-width (U+FF01–U+FF5E), as an East Asian keyboard enters them.</summary>
    private static string FullWidth(string text) =>
        string.Concat(text.Select(character => character is > ' ' and <= '~' ? (char)(character + 0xFEE0) : character));
}
