using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Xunit;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>Drives the portal the way a browser does: cookies kept, redirects visible, forms posted with their antiforgery token.</summary>
public sealed partial class PortalBrowser(HttpClient http)
{
    public const string TokenField = "__RequestVerificationToken";

    public PortalBrowser(PortalApiFactory factory)
        : this(factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true }))
    {
    }

    public HttpClient Http { get; } = http;

    /// <summary>A browser at <paramref name="clientAddress"/>, as the gateway tells the portal (<c>X-Forwarded-For</c>).</summary>
    public static PortalBrowser At(PortalApiFactory factory, string clientAddress)
    {
        var browser = new PortalBrowser(factory);
        browser.Http.DefaultRequestHeaders.Add("X-Forwarded-For", clientAddress);
        return browser;
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public Task<HttpResponseMessage> GetAsync(string path) => Http.GetAsync(path, Ct);

    public async Task<string> GetPageAsync(string path)
    {
        var response = await GetAsync(path);
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {html}");
        return html;
    }

    /// <summary>Opens the sign-in page and submits the form.</summary>
    public async Task<HttpResponseMessage> SignInAsync(string email, string password)
    {
        var token = FormToken(await GetPageAsync("/portal/login"));
        return await PostFormAsync("/portal/login", new() { ["email"] = email, ["password"] = password, [TokenField] = token });
    }

    /// <summary>Signs in and asserts it worked (redirect to the dashboard).</summary>
    public async Task SignInSuccessfullyAsync(string email, string password)
    {
        var response = await SignInAsync(email, password);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"sign-in: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        Assert.Equal("/portal/", response.Headers.Location?.OriginalString);
    }

    public async Task<HttpResponseMessage> SignOutAsync()
    {
        var token = FormToken(await GetPageAsync("/portal/"));
        return await PostFormAsync("/portal/logout", new() { [TokenField] = token });
    }

    /// <summary>
    /// Sends a BFF call that changes something, with the antiforgery token of a portal page in the header a script on that
    /// page would send it in.
    /// </summary>
    public async Task<HttpResponseMessage> SendWithPageTokenAsync(HttpRequestMessage request)
    {
        request.Headers.Add("RequestVerificationToken", FormToken(await GetPageAsync("/portal/webhooks")));
        return await Http.SendAsync(request, Ct);
    }

    public Task<HttpResponseMessage> PostFormAsync(string path, Dictionary<string, string> fields) =>
        Http.PostAsync(path, new FormUrlEncodedContent(fields), Ct);

    /// <summary>Posts a form whose fields may repeat (checkboxes of one name).</summary>
    public Task<HttpResponseMessage> PostFormFieldsAsync(string path, IEnumerable<KeyValuePair<string, string>> fields) =>
        Http.PostAsync(path, new FormUrlEncodedContent(fields), Ct);

    public static string FormToken(string html)
    {
        var match = TokenInput().Match(html);
        Assert.True(match.Success, "The page has no antiforgery field.");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenInput();
}
