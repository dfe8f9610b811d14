using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.EndToEndTests;

/// <summary>
/// Coupon limits under concurrency through the gateway, with the whole system running — and two coupons instances behind
/// the gateway (<see cref="SystemFixture"/> starts them), so every limit here holds across instances, not within one.
/// They run alone (the non-parallel collection): hundreds of concurrent checkouts beside the other flows' load measure the
/// machine, not the limits.
/// </summary>
[Collection(typeof(DisruptiveTests))]
public sealed class CouponConcurrencyTests(SystemFixture system)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GatewayBalancesCouponsOverTwoInstances()
    {
        var gateway = await system.App.ResourceNotifications.WaitForResourceAsync("gateway", _ => true, Ct);
        var second = system.GetServiceUrl(SystemFixture.SecondCouponsInstance).ToString().TrimEnd('/');

        Assert.Contains(gateway.Snapshot.EnvironmentVariables,
            variable => variable.Name == "services__coupons-api__http__1" && variable.Value?.TrimEnd('/') == second);
        Assert.Contains(gateway.Snapshot.EnvironmentVariables, variable => variable.Name == "services__coupons-api__http__0");
        await system.App.ResourceNotifications.WaitForResourceHealthyAsync(SystemFixture.SecondCouponsInstance, Ct);
    }

    [Fact]
    public async Task CodeLimitedTo100Uses_1000ConcurrentRedemptions_Exactly100Succeed_RestAClear409()
    {
        using var admin = system.CreateAdminClient();
        using var storefront = system.CreateStorefrontClient();
        var campaignId = await CreateCampaignAsync(admin, new JsonObject { ["requireReservation"] = false });
        var code = await CreateCodeAsync(admin, campaignId, maxUses: 100);

        var responses = await Task.WhenAll(Enumerable.Range(0, 1_000).Select(index =>
            RedeemAsync(storefront, code.ToLowerInvariant(), new JsonObject { ["email"] = $"shopper{index}@example.com" })));

        Assert.Equal(100, responses.Count(response => response.Status == HttpStatusCode.Created));
        Assert.Equal(900, responses.Count(response => response.Status == HttpStatusCode.Conflict && response.IsProblem));
        Assert.Equal(100, (await StatsAsync(admin, campaignId))["redeemed"]!.GetValue<int>());
    }

    [Fact]
    public async Task PerCustomerLimit_GuestsSharingAnEmailInAnyCasing_GetOneUseEach()
    {
        using var admin = system.CreateAdminClient();
        using var storefront = system.CreateStorefrontClient();
        var campaignId = await CreateCampaignAsync(admin, new JsonObject { ["requireReservation"] = false, ["maxUsesPerCustomer"] = 1 });
        var code = await CreateCodeAsync(admin, campaignId);
        var guests = Enumerable.Range(0, 10).Select(index => $"guest{index}-{Guid.NewGuid():N}@example.com").ToList();
        string[] Spellings(string email) => [email, email.ToUpperInvariant(), $"  {email} ", char.ToUpperInvariant(email[0]) + email[1..]];

        var responses = await Task.WhenAll(Enumerable.Range(0, 300).Select(index =>
        {
            var spellings = Spellings(guests[index % guests.Count]);
            return RedeemAsync(storefront, code, new JsonObject { ["email"] = spellings[index / guests.Count % spellings.Length] });
        }));

        var outcomes = string.Join(", ", responses.GroupBy(response => $"{(int)response.Status} {response.Reason}").Select(group => $"{group.Key}: {group.Count()}"));
        Assert.True(10 == responses.Count(response => response.Status == HttpStatusCode.Created), outcomes);
        Assert.True(290 == responses.Count(response => response.Reason == "customer_limit_reached"), outcomes);
        Assert.Equal(10, (await StatsAsync(admin, campaignId))["uses"]!.GetValue<int>());
    }

    [Fact]
    public async Task PartnerBudget_TwoPartnersRacing_EachGetsExactlyItsBudget()
    {
        using var admin = system.CreateAdminClient();
        using var storefront = system.CreateStorefrontClient();
        var campaignId = await CreateCampaignAsync(admin, new JsonObject { ["requireReservation"] = false, ["maxUsesPerPartner"] = 20 });
        var code = await CreateCodeAsync(admin, campaignId);
        Guid[] partners = [Guid.NewGuid(), Guid.NewGuid()];

        var responses = await Task.WhenAll(Enumerable.Range(0, 300).Select(async index =>
            (Partner: partners[index % 2],
             Response: await RedeemAsync(storefront, code, new JsonObject { ["id"] = $"c-{Guid.NewGuid():N}" }, partners[index % 2]))));

        foreach (var partner in partners)
        {
            var mine = responses.Where(result => result.Partner == partner).Select(result => result.Response).ToList();
            Assert.Equal(20, mine.Count(response => response.Status == HttpStatusCode.Created));
            Assert.Equal(130, mine.Count(response => response.Reason == "partner_limit_reached"));
        }
    }

    [Fact]
    public async Task StormOfReserveExpireReleaseRedeemCancelRefund_KeepsEveryCounterExact_AndTheLimitFillsExactly()
    {
        const int Limit = 40;
        using var admin = system.CreateAdminClient();
        using var storefront = system.CreateStorefrontClient();
        var campaignId = await CreateCampaignAsync(admin, new JsonObject { ["maxUses"] = Limit });
        var code = await CreateCodeAsync(admin, campaignId);

        // Each flow reserves, then: 0 lets it expire and tries to redeem late, 1 releases it, 2 redeems, 3 redeems then
        // cancels, 4 redeems then refunds in full. Uses come back while others are still trying to take them.
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 400).Select(index => FlowAsync(storefront, code, index % 5)));

        await Eventually.UntilAsync(async () => (await StatsAsync(admin, campaignId))["held"]!.GetValue<int>() == 0, TimeSpan.FromSeconds(60),
            "expired reservations no longer count as held");
        var stats = await StatsAsync(admin, campaignId);
        var stillRedeemed = outcomes.Count(outcome => outcome == "redeemed");
        Assert.Equal(stillRedeemed, stats["redeemed"]!.GetValue<int>());
        Assert.Equal(outcomes.Count(outcome => outcome == "cancelled"), stats["cancelled"]!.GetValue<int>());
        Assert.Equal(outcomes.Count(outcome => outcome == "refunded"), stats["refunded"]!.GetValue<int>());
        Assert.Equal(stillRedeemed, stats["uses"]!.GetValue<int>());
        Assert.Equal(Limit - stillRedeemed, stats["remaining"]!.GetValue<int>());
        Assert.True(outcomes.Count(outcome => outcome != "refused") > Limit, "uses given back were taken again during the storm");
        Assert.DoesNotContain("error", outcomes);

        // What is left of the limit can be taken exactly, and not one use more.
        var remaining = stats["remaining"]!.GetValue<int>();
        var fill = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => FlowAsync(storefront, code, 2)));
        Assert.Equal(remaining, fill.Count(outcome => outcome == "redeemed"));
        Assert.Equal(Limit, (await StatsAsync(admin, campaignId))["uses"]!.GetValue<int>());
    }

    /// <summary>One checkout of the storm; returns what became of it (or <c>refused</c>: the limit was full at reservation).</summary>
    private static async Task<string> FlowAsync(HttpClient storefront, string code, int kind)
    {
        var customer = new JsonObject { ["id"] = $"storm-{Guid.NewGuid():N}" };
        var checkoutId = $"co-{Guid.NewGuid():N}";
        var reserve = await AsAStorefrontRetriesAsync(() => storefront.PostAsJsonAsync("/api/coupons/reservations", new JsonObject
        {
            ["code"] = code, ["checkoutId"] = checkoutId, ["customer"] = customer.DeepClone(), ["cartTotal"] = 50m,
            ["currency"] = "EUR", ["ttlSeconds"] = kind == 0 ? 1 : 300,
        }, Ct));
        if (reserve.StatusCode == HttpStatusCode.Conflict)
        {
            return "refused";
        }

        if (reserve.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.OK))
        {
            return "error";
        }

        var reservationId = (await reserve.Content.ReadFromJsonAsync<JsonObject>(Ct))!["reservationId"]!.GetValue<Guid>();
        if (kind == 1)
        {
            return (await AsAStorefrontRetriesAsync(() => storefront.PostAsync($"/api/coupons/reservations/{reservationId}/release", null, Ct))).IsSuccessStatusCode
                ? "released" : "error";
        }

        if (kind == 0)
        {
            await Task.Delay(TimeSpan.FromSeconds(1.5), Ct); // the reservation's own TTL, not a wait for an event
        }

        var orderId = $"storm-{Guid.NewGuid():N}";
        var redeem = await AsAStorefrontRetriesAsync(() => storefront.PostAsJsonAsync("/api/coupons/redemptions", new JsonObject
        {
            ["code"] = code, ["orderId"] = orderId, ["reservationId"] = reservationId, ["customer"] = customer.DeepClone(), ["orderTotal"] = 50m,
            ["currency"] = "EUR",
        }, Ct));
        if (kind == 0)
        {
            return redeem.StatusCode == HttpStatusCode.Conflict && await ReasonAsync(redeem) == "reservation_expired" ? "expired" : "error";
        }

        if (redeem.StatusCode != HttpStatusCode.Created)
        {
            return "error";
        }

        return kind switch
        {
            3 => (await AsAStorefrontRetriesAsync(() => storefront.PostAsync($"/api/coupons/redemptions/{orderId}/cancellation", null, Ct))).IsSuccessStatusCode
                ? "cancelled" : "error",
            4 => (await AsAStorefrontRetriesAsync(() => storefront.PostAsJsonAsync($"/api/coupons/redemptions/{orderId}/refund", new JsonObject { ["refundId"] = $"refund-{orderId}" }, Ct))).IsSuccessStatusCode
                ? "refunded" : "error",
            _ => "redeemed",
        };
    }

    private sealed record Answer(HttpStatusCode Status, bool IsProblem, string? Reason);

    private static async Task<Answer> RedeemAsync(HttpClient storefront, string code, JsonObject customer, Guid? partnerId = null)
    {
        var orderId = $"race-{Guid.NewGuid():N}";
        var response = await AsAStorefrontRetriesAsync(() => storefront.PostAsJsonAsync("/api/coupons/redemptions", new JsonObject
        {
            ["code"] = code, ["orderId"] = orderId, ["customer"] = customer.DeepClone(), ["orderTotal"] = 50m, ["currency"] = "EUR",
            ["partnerId"] = partnerId,
        }, Ct));
        var isProblem = response.Content.Headers.ContentType?.MediaType == "application/problem+json";
        return new Answer(response.StatusCode, isProblem, isProblem ? await ReasonAsync(response) : null);
    }

    /// <summary>
    /// A storefront back end retries an overloaded answer (5xx, 429) with the same order, checkout or reservation id — every
    /// call here is idempotent by it — so the tallies count final answers; a retry can never add a use.
    /// </summary>
    private static async Task<HttpResponseMessage> AsAStorefrontRetriesAsync(Func<Task<HttpResponseMessage>> send)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await send();
            if (attempt == 10 || ((int)response.StatusCode < 500 && response.StatusCode != HttpStatusCode.TooManyRequests))
            {
                return response;
            }

            // Backing off as a storefront would (0.25, 0.5, 1, 2, 4, 8 s, …): redemptions of one code queue on its row lock,
            // so a burst of a thousand takes tens of seconds to drain on two cores — longer than a few quick retries.
            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromMilliseconds(250 * Math.Pow(2, Math.Min(attempt - 1, 5))), Ct);
        }
    }

    private static async Task<string?> ReasonAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))?["reason"]?.GetValue<string>();

    private static async Task<Guid> CreateCampaignAsync(HttpClient admin, JsonObject settings)
    {
        settings["name"] = "e2e concurrency";
        settings["promotionId"] = Guid.NewGuid();
        var response = await admin.PostAsJsonAsync("/api/coupons/campaigns", settings, Ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
        return (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["id"]!.GetValue<Guid>();
    }

    private static async Task<string> CreateCodeAsync(HttpClient admin, Guid campaignId, int? maxUses = null)
    {
        var code = $"RACE{Guid.NewGuid():N}"[..16].ToUpperInvariant();
        var response = await admin.PostAsJsonAsync($"/api/coupons/campaigns/{campaignId}/codes", new JsonObject { ["code"] = code, ["maxUses"] = maxUses }, Ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
        return code;
    }

    private static async Task<JsonObject> StatsAsync(HttpClient admin, Guid campaignId) =>
        (await admin.GetFromJsonAsync<JsonObject>($"/api/coupons/campaigns/{campaignId}/stats", Ct))!;
}
