using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.EndToEndTests;

/// <summary>
/// A partner signs in to the portal through the gateway and reads its survey insights: the portal asks the real surveys
/// service with a partner token, so it sees its own k-anonymous week (and a suppressed one as such), never a shopper's
/// answer, and another partner sees none of it.
/// </summary>
public sealed partial class PartnerSurveyInsightsTests(SystemFixture system)
{
    private const string Password = "correct-horse-battery-staple";
    private readonly Journeys _journeys = new(system);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SignedInPartner_SeesItsOwnSurveyInsights_KAnonymous()
    {
        using var admin = system.CreateAdminClient();
        using var storefront = system.CreateStorefrontClient();
        var partner = await _journeys.CreatePartnerAsync();
        var other = await _journeys.CreatePartnerAsync();
        await Eventually.UntilAsync(async () => (await admin.GetAsync($"/api/surveys/partners/{partner.Id}", Ct)).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(60), "the partner in surveys' directory");
        var surveyName = $"Leaving so soon {Guid.NewGuid():N}";
        var survey = await (await admin.PostAsJsonAsync("/api/surveys/surveys",
            new JsonObject { ["name"] = surveyName, ["kind"] = "exit-intent", ["partnerIds"] = new JsonArray(partner.Id) }, Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        for (var index = 0; index < 5; index++)
        {
            var response = await storefront.PostAsJsonAsync("/api/surveys/responses", new JsonObject
            {
                ["surveyId"] = survey["id"]!.DeepClone(),
                ["visitorId"] = $"visitor-{Guid.NewGuid():N}",
                ["partnerId"] = partner.Id,
                ["touchpoint"] = "checkout",
                ["answers"] = new JsonArray(new JsonObject { ["questionId"] = "reason", ["choices"] = new JsonArray("extra-costs", "other"), ["otherText"] = $"shopper secret {index}" }),
            }, Ct);
            await response.ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        }

        await CreateAccountAsync(partner);
        await CreateAccountAsync(other);
        using var browser = CreateBrowser();
        await SignInAsync(browser, partner.Email);

        var page = await browser.GetAsync("/portal/surveys", Ct);
        var html = WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync(Ct));

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains($">{surveyName}</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<div><dt>Responses</dt><dd>5</dd></div>", html, StringComparison.Ordinal);
        Assert.Contains("<tr><th scope=\"row\">Extra costs too high</th><td>5</td></tr>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("shopper secret", html, StringComparison.Ordinal);
        var json = await (await browser.GetAsync($"/portal/api/survey-insights?partnerId={other.Id}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal(partner.Id, json["partnerId"]!.GetValue<Guid>());
        Assert.Equal(5, json["totals"]!["responses"]!.GetValue<int>());

        using var otherBrowser = CreateBrowser();
        await SignInAsync(otherBrowser, other.Email);
        var othersPage = WebUtility.HtmlDecode(await otherBrowser.GetStringAsync("/portal/surveys", Ct));
        Assert.DoesNotContain(surveyName, othersPage, StringComparison.Ordinal);
        Assert.Contains("No survey was shown to or answered by your shoppers in this period.", othersPage, StringComparison.Ordinal);
    }

    private async Task CreateAccountAsync(Partner partner)
    {
        using var admin = system.CreateAdminClient();
        await Eventually.UntilAsync(async () =>
        {
            var response = await admin.PostAsJsonAsync("/api/portal/accounts", new { partnerId = partner.Id, email = partner.Email, password = Password }, Ct);
            Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.NotFound, $"unexpected {(int)response.StatusCode}");
            return response.StatusCode == HttpStatusCode.Created;
        }, because: "the portal should learn about the partner from PartnerRegistered");
    }

    private HttpClient CreateBrowser() =>
        system.CreateAnonymousClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() });

    private static async Task SignInAsync(HttpClient browser, string email)
    {
        var form = await browser.GetStringAsync("/portal/login", Ct);
        var fields = HiddenInput().Matches(form).ToDictionary(m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));
        fields["email"] = email;
        fields["password"] = Password;
        var response = await browser.PostAsync("/portal/login", new FormUrlEncodedContent(fields), Ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[^\"]+)\" value=\"(?<value>[^\"]*)\"")]
    private static partial Regex HiddenInput();
}
