using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PartnerMesh.Contracts.Analytics;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Coupons.FunctionalTests.CouponsTestClient;

namespace PartnerMesh.Coupons.FunctionalTests;

/// <summary>
/// A shopper is every identity they present: a use by a signed-in customer who gives an e-mail counts against the id and
/// the e-mail, so the same shopper checking out as a guest with that e-mail (any casing) finds the limit reached, and the
/// other way round; personal codes are the shopper's under either key.
/// </summary>
public sealed class CustomerIdentityTests(CouponsApiFactory factory) : IClassFixture<CouponsApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();
    private readonly HttpClient _storefront = factory.Storefront();

    [Fact]
    public async Task OnePerCustomer_RedeemedSignedInWithEmail_ThenAsGuestWithThatEmailInOtherCasing_CustomerLimitReached()
    {
        var (_, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUsesPerCustomer"] = 1 });
        var (id, email) = Shopper();
        await _storefront.ReserveAndRedeemAsync(code, Signed(id, email));

        var guest = Guest($" {email.ToUpperInvariant()} ");

        Assert.Equal("customer_limit_reached", (await _storefront.ValidateAsync(Validation(code, guest))).Reason());
        Assert.Equal("customer_limit_reached", await (await _storefront.ReserveAsync(Reservation(code, guest))).ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        Assert.Equal("customer_limit_reached", await (await _storefront.ReserveAsync(Reservation(code, Customer(id)))).ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        await _storefront.ReserveOkAsync(code, Guest($"other-{email}"));
    }

    [Fact]
    public async Task OnePerCustomer_RedeemedAsGuest_ThenSignedInWithThatEmailInOtherCasing_CustomerLimitReached()
    {
        var (_, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUsesPerCustomer"] = 1 });
        var (id, email) = Shopper();
        await _storefront.ReserveAndRedeemAsync(code, Guest(email.ToUpperInvariant()));

        var signedIn = Signed(id, email.ToLowerInvariant());

        Assert.Equal("customer_limit_reached", (await _storefront.ValidateAsync(Validation(code, signedIn))).Reason());
        Assert.Equal("customer_limit_reached", await (await _storefront.ReserveAsync(Reservation(code, signedIn))).ShouldBeRefusedAsync(HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task DirectRedemption_SignedInThenAsGuest_CustomerLimitReached()
    {
        var (_, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUsesPerCustomer"] = 1, ["requireReservation"] = false });
        var (id, email) = Shopper();
        await (await _storefront.RedeemAsync(Redemption(code, $"order-{Guid.NewGuid():N}", null, Signed(id, email))))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        var response = await _storefront.RedeemAsync(Redemption(code, $"order-{Guid.NewGuid():N}", null, Guest(email.ToUpperInvariant())));

        Assert.Equal("customer_limit_reached", await response.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task ReservedAsGuest_RedeemedSignedInAsACustomerWhoseLimitIsReached_CustomerLimitReached_AndTheHoldStays()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUsesPerCustomer"] = 1 });
        var (id, email) = Shopper();
        await _storefront.ReserveAndRedeemAsync(code, Signed(id, $"old-{email}"));
        var reservationId = await _storefront.ReserveOkAsync(code, Guest(email));

        var response = await _storefront.RedeemAsync(Redemption(code, $"order-{Guid.NewGuid():N}", reservationId, Signed(id, email)));

        Assert.Equal("customer_limit_reached", await response.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        var stats = await _admin.StatsAsync(campaignId);
        Assert.Equal((2, 1, 1), (stats.Number("uses"), stats.Number("held"), stats.Number("redeemed")));
    }

    [Fact]
    public async Task ReservedAsGuest_RedeemedSignedIn_CountsAgainstTheIdToo_AndCancellationGivesBothBack()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUsesPerCustomer"] = 1 });
        var (id, email) = Shopper();
        var reservationId = await _storefront.ReserveOkAsync(code, Guest(email));
        var orderId = $"order-{Guid.NewGuid():N}";
        await (await _storefront.RedeemAsync(Redemption(code, orderId, reservationId, Signed(id, email)))).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        Assert.Equal("customer_limit_reached", (await _storefront.ValidateAsync(Validation(code, Customer(id)))).Reason());

        await (await _storefront.PostAsync($"/api/coupons/redemptions/{orderId}/cancellation", null, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.True((await _storefront.ValidateAsync(Validation(code, Customer(id))))["valid"]!.GetValue<bool>());
        Assert.True((await _storefront.ValidateAsync(Validation(code, Guest(email))))["valid"]!.GetValue<bool>());
        Assert.Equal(0, (await _admin.StatsAsync(campaignId)).Number("uses"));
    }

    [Fact]
    public async Task ConcurrentCheckoutsOfOneShopperUnderMixedIdentities_ExactlyTheLimitSucceeds()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUsesPerCustomer"] = 1, ["requireReservation"] = false });
        var (id, email) = Shopper();
        JsonObject[] identities = [Signed(id, email), Guest(email.ToUpperInvariant()), Signed(id, $" {email.ToUpperInvariant()} "), Guest($" {email} ")];

        var responses = await Task.WhenAll(Enumerable.Range(0, 60).Select(index =>
            _storefront.RedeemAsync(Redemption(code, $"order-{Guid.NewGuid():N}", null, identities[index % identities.Length]))));

        Assert.Equal(1, responses.Count(response => response.StatusCode == HttpStatusCode.Created));
        foreach (var refused in responses.Where(response => response.StatusCode != HttpStatusCode.Created))
        {
            Assert.Equal("customer_limit_reached", await refused.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        }

        Assert.Equal(1, (await _admin.StatsAsync(campaignId)).Number("uses"));
    }

    [Fact]
    public async Task OfferIssuedToAnEmail_IsUsableSignedInWithThatEmail()
    {
        var (id, email) = Shopper();
        var campaignId = await OfferCampaignAsync();
        await factory.PublishAsync(Abandoned(customerId: null, email: email.ToUpperInvariant()));
        var code = await OfferCodeAsync(email, campaignId);

        Assert.Equal("not_for_customer", (await _storefront.ValidateAsync(Validation(code, Customer(id)))).Reason());
        Assert.True((await _storefront.ValidateAsync(Validation(code, Signed(id, email))))["valid"]!.GetValue<bool>());
        await _storefront.ReserveAndRedeemAsync(code, Signed(id, email));
    }

    [Fact]
    public async Task OfferIssuedToACustomerId_IsUsableByTheGuestGivingTheEmailRecordedWithIt_AndListedUnderIt()
    {
        var (id, email) = Shopper();
        var campaignId = await OfferCampaignAsync();
        await factory.PublishAsync(Abandoned(customerId: id, email: email));
        var code = await OfferCodeAsync(id, campaignId);

        Assert.Equal(code, await OfferCodeAsync(email.ToUpperInvariant(), campaignId));
        Assert.Equal("not_for_customer", (await _storefront.ValidateAsync(Validation(code, Guest($"other-{email}")))).Reason());
        Assert.True((await _storefront.ValidateAsync(Validation(code, Guest(email.ToUpperInvariant()))))["valid"]!.GetValue<bool>());
        await _storefront.ReserveAndRedeemAsync(code, Guest(email));
    }

    [Fact]
    public async Task OnePerCustomer_GuestEmailComposedThenDecomposed_CustomerLimitReached()
    {
        var (_, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUsesPerCustomer"] = 1, ["requireReservation"] = false });
        var unique = Guid.NewGuid().ToString("N");
        var composed = $"jos\u00e9-{unique}@example.com";
        var decomposed = $"jose\u0301-{unique}@example.com";

        await (await _storefront.RedeemAsync(Redemption(code, $"order-{Guid.NewGuid():N}", null, Guest(composed)))).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        Assert.Equal("customer_limit_reached", (await _storefront.ValidateAsync(Validation(code, Guest(decomposed)))).Reason());
        var response = await _storefront.RedeemAsync(Redemption(code, $"order-{Guid.NewGuid():N}", null, Guest(decomposed.ToUpperInvariant())));
        Assert.Equal("customer_limit_reached", await response.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task OnePerCustomer_GuestEmailThenInFullWidthCharacters_CustomerLimitReached()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUsesPerCustomer"] = 1, ["requireReservation"] = false });
        var email = $"ann-{Guid.NewGuid():N}@example.com";
        await (await _storefront.RedeemAsync(Redemption(code, $"order-{Guid.NewGuid():N}", null, Guest(email)))).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        // ａｎｎ-…＠ｅｘａｍｐｌｅ．ｃｏｍ: every character in its full-width form, the '@' too.
        var fullWidth = new string([.. email.Select(character => (char)(character - '!' + '\uFF01'))]);

        var response = await _storefront.RedeemAsync(Redemption(code, $"order-{Guid.NewGuid():N}", null, Guest(fullWidth)));

        Assert.Equal("customer_limit_reached", await response.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        Assert.Equal(1, (await _admin.StatsAsync(campaignId)).Number("uses"));
    }

    [Fact]
    public async Task OnePerCustomer_GuestEmailThenWithInvisibleCharacters_CustomerLimitReached()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUsesPerCustomer"] = 1, ["requireReservation"] = false });
        var local = $"ann-{Guid.NewGuid():N}";
        await (await _storefront.RedeemAsync(Redemption(code, $"order-{Guid.NewGuid():N}", null, Guest($"{local}@x.example"))))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        // Zero-width space inside and at the end, right-to-left and left-to-right marks, a soft hyphen in the domain, a BOM,
        // a word joiner: format characters no one sees, never another mailbox.
        string[] invisible =
        [
            $"{local}\u200b@x.example", $"{local}@x.example\u200b", $"\u200f{local}@x.example", $"{local}@x\u00ad.example",
            $"\ufeff{local}@x.example", $"{local}\u2060@X.example", $"\u200e{local.ToUpperInvariant()}@x.example\u3000",
        ];
        foreach (var email in invisible)
        {
            Assert.Equal("customer_limit_reached", (await _storefront.ValidateAsync(Validation(code, Guest(email)))).Reason());
            var response = await _storefront.RedeemAsync(Redemption(code, $"order-{Guid.NewGuid():N}", null, Guest(email)));
            Assert.Equal("customer_limit_reached", await response.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        }

        Assert.Equal(1, (await _admin.StatsAsync(campaignId)).Number("uses"));
    }

    [Theory]
    [InlineData("@")]
    [InlineData("@x.example")]
    [InlineData("ann@")]
    [InlineData("ann@\u200b")]
    [InlineData("\u200b@x.example")]
    [InlineData("ann @x.example")]
    [InlineData("noatsign")]
    public async Task Email_NotAnAddress_Returns400NamingIt(string email)
    {
        var (_, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUsesPerCustomer"] = 1, ["requireReservation"] = false });

        foreach (var response in new[]
                 {
                     await _storefront.PostAsJsonAsync("/api/coupons/validations", Validation(code, Guest(email)), Ct),
                     await _storefront.ReserveAsync(Reservation(code, Guest(email))),
                     await _storefront.RedeemAsync(Redemption(code, $"order-{Guid.NewGuid():N}", null, Guest(email))),
                 })
        {
            var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
            Assert.Contains("\"customer.email\"", problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task OfferIssuedToADecomposedEmail_ListedAndUsableUnderTheComposedOne()
    {
        var campaignId = await OfferCampaignAsync();
        var unique = Guid.NewGuid().ToString("N");
        await factory.PublishAsync(Abandoned(customerId: null, email: $"RENE\u0301E-{unique}@Example.com"));

        var code = await OfferCodeAsync($"ren\u00e9e-{unique}@example.com", campaignId);

        Assert.True((await _storefront.ValidateAsync(Validation(code, Guest($"Ren\u00e9e-{unique}@example.com"))))["valid"]!.GetValue<bool>());
        await _storefront.ReserveAndRedeemAsync(code, Guest($"ren\u00e9e-{unique}@example.com"));
    }

    [Fact]
    public async Task Email_LongerThan254CharactersOnceNormalised_Returns400NamingIt()
    {
        // U+FDFA is one character that NFKC spells out in eighteen.
        var email = new string('a', 220) + "\uFDFA\uFDFA@example.com";

        var problem = await (await _storefront.ReserveAsync(Reservation("ANY", Guest(email)))).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("\"customer.email\"", problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(" {0} ")]
    [InlineData("{0}\u200b")]
    [InlineData("\ufeff{0}")]
    public async Task Email_Of254CharactersOnceNormalised_WithSpacesOrAnInvisibleCharacterAround_IsThatGuest(string form)
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUsesPerCustomer"] = 1, ["requireReservation"] = false });
        var email = $"ann-{Guid.NewGuid():N}".PadRight(64, 'a') + "@" + string.Join('.', new string('x', 63), new string('x', 63), new string('x', 53), "example");
        Assert.Equal(254, email.Length);

        await (await _storefront.RedeemAsync(Redemption(code, $"order-{Guid.NewGuid():N}", null, Guest(form.Replace("{0}", email, StringComparison.Ordinal)))))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var again = await _storefront.RedeemAsync(Redemption(code, $"order-{Guid.NewGuid():N}", null, Guest(email)));

        Assert.Equal("customer_limit_reached", await again.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        Assert.Equal(1, (await _admin.StatsAsync(campaignId)).Number("uses"));
    }

    private static (string Id, string Email) Shopper()
    {
        var unique = Guid.NewGuid().ToString("N");
        return ($"cust-{unique}", $"Shopper-{unique}@Example.com");
    }

    private static JsonObject Signed(string id, string email) => new() { ["id"] = id, ["email"] = email };

    private Task<Guid> OfferCampaignAsync() =>
        _admin.CreateCampaignAsync(new JsonObject { ["abandonedCart"] = new JsonObject { ["enabled"] = true, ["cooldownHours"] = 24 } });

    private Task<string> OfferCodeAsync(string customer, Guid campaignId) =>
        Eventually.GetAsync(async () =>
        {
            var response = await (await _storefront.GetAsync($"/api/coupons/customers/{Uri.EscapeDataString(customer)}/offers", Ct))
                .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
            return response["offers"]!.AsArray().FirstOrDefault(offer => offer!["campaignId"]!.GetValue<Guid>() == campaignId)?["code"]!.GetValue<string>();
        }, because: "the offer is issued");

    private static CartAbandoned Abandoned(string? customerId, string? email) => new()
    {
        EventId = Guid.CreateVersion7(),
        OccurredAt = DateTimeOffset.UtcNow,
        CartId = $"cart-{Guid.NewGuid():N}",
        VisitorId = $"v-{Guid.NewGuid():N}",
        CustomerId = customerId,
        Email = email,
        CartTotal = 80m,
        Currency = "EUR",
        LastActivityAt = DateTimeOffset.UtcNow.AddHours(-2),
    };
}
