using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using PartnerMesh.ServiceDefaults.Orders;
using PartnerMesh.ServiceDefaults.WebApi;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.ServiceDefaults.Tests;

/// <summary>
/// The input rules <c>AddWebApiDefaults</c> gives every host: a member given twice is a 400 naming it, a control character
/// other than tab and line breaks is a 400 naming the member, currencies are upper-cased when they are three letters, and
/// <c>?limit=</c> is plain digits. Also the shared order id rule.
/// </summary>
public sealed class SharedInputRulesTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddBasicServiceDefaults();
        builder.AddWebApiDefaults();
        _app = builder.Build();
        _app.UseWebApiDefaults();
        _app.MapPost("/orders", (OrderRequest request) => TypedResults.Ok(request));
        _app.MapGet("/page", (int? limit) => TypedResults.Ok(limit ?? 50));
        await _app.StartAsync(Ct);
        _client = new HttpClient { BaseAddress = new Uri(_app.Urls.Single()) };
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    private Task<HttpResponseMessage> PostAsync(string json) =>
        _client.PostAsync("/orders", new StringContent(json, Encoding.UTF8, "application/json"), Ct);

    private Task<HttpResponseMessage> PostBytesAsync(byte[] json)
    {
        var content = new ByteArrayContent(json);
        content.Headers.ContentType = new("application/json");
        return _client.PostAsync("/orders", content, Ct);
    }

    [Theory]
    [InlineData("""{"id":"a","id":"b"}""", "id")]
    [InlineData("""{"id":"a","total":{"currency":"EUR","currency":"USD"}}""", "total.currency")]
    [InlineData("""{"id":"a","Id":"b"}""", "Id")]
    public async Task Post_DuplicateMember_Returns400NamingIt(string json, string field)
    {
        var problem = await (await PostAsync(json)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains($"\"{field}\"", problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"id":"a\u0007"}""", "id")]
    [InlineData("""{"id":"a\u001F"}""", "id")]
    [InlineData("""{"id":"a\u007f"}""", "id")]
    [InlineData("""{"id":"a\u0085"}""", "id")]
    [InlineData("""{"id":"a","total":{"currency":"E\u009fR"}}""", "total.currency")]
    [InlineData("""{"id":"a","note":"b\u0000"}""", "note")]
    public async Task Post_ControlCharacterEscaped_Returns400NamingTheMember(string json, string field)
    {
        var problem = await (await PostAsync(json)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(WebApiOptions.NulCharacterDetail, problem.Detail);
        Assert.Contains($"\"{field}\"", problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0xC2, 0x85 })]
    [InlineData(new byte[] { 0xC2, 0x9F })]
    [InlineData(new byte[] { 0x7F })]
    public async Task Post_ControlCharacterRaw_Returns400NamingTheMember(byte[] character)
    {
        var json = Encoding.UTF8.GetBytes("""{"id":"a""").Concat(character).Concat(Encoding.UTF8.GetBytes("\"}")).ToArray();

        var problem = await (await PostBytesAsync(json)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("\"id\"", problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_TabsLineBreaksAndOtherText_AreRead()
    {
        var response = await PostAsync("""{"id":"a","note":"one\ttwo\r\nthree\u0009 \u00a0 \u00e9 \\u0007 €"}""");

        var echoed = await response.ShouldBeAsync<OrderRequest>(HttpStatusCode.OK);
        Assert.Equal("one\ttwo\r\nthree\t \u00a0 é \\u0007 €", echoed.Note);
    }

    [Theory]
    [InlineData("eur", "EUR")]
    [InlineData("Jpy", "JPY")]
    [InlineData(" eur", " eur")]
    [InlineData("euro", "euro")]
    [InlineData("eü", "eü")]
    public async Task Post_Currency_IsUpperCasedOnlyWhenThreeAsciiLetters(string currency, string read)
    {
        var response = await PostAsync($$"""{"id":"a","currency":"{{currency}}","total":{"currency":"{{currency}}"},"commissionCurrency":"{{currency}}"}""");

        var echoed = await response.ShouldBeAsync<OrderRequest>(HttpStatusCode.OK);
        Assert.Equal((read, read, read), (echoed.Currency, echoed.Total!.Currency, echoed.CommissionCurrency));
    }

    [Theory]
    [InlineData("%205")]
    [InlineData("5%20")]
    [InlineData("%2B5")]
    [InlineData("-5")]
    [InlineData("05")]
    [InlineData("%EF%BC%95")]
    public async Task Get_LimitNotInPlainDigits_Returns400NamingLimit(string limit)
    {
        var problem = await (await _client.GetAsync($"/page?limit={limit}", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("\"limit\"", problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("5", 5)]
    [InlineData("0", 0)]
    [InlineData("200", 200)]
    public async Task Get_PlainLimit_IsBound(string limit, int bound)
    {
        Assert.Equal(bound, await (await _client.GetAsync($"/page?limit={limit}", Ct)).ShouldBeAsync<int>(HttpStatusCode.OK));
    }

    [Theory]
    [InlineData("ord#1", true)]
    [InlineData("ord 1", true)]
    [InlineData("ordü", true)]
    [InlineData("Ord-1", true)]
    [InlineData("", false)]
    [InlineData("   ", false)]
    [InlineData("a/b", false)]
    [InlineData(".", false)]
    [InlineData("..", false)]
    [InlineData("a\u0007", false)]
    [InlineData("a\u0085", false)]
    [InlineData("a\tb", false)]
    public void OrderIds_IsValid_FollowsTheSharedRule(string id, bool valid) => Assert.Equal(valid, OrderIds.IsValid(id));

    [Fact]
    public void OrderIds_IsValid_AcceptsUpTo100Characters()
    {
        Assert.True(OrderIds.IsValid(new string('o', 100)));
        Assert.False(OrderIds.IsValid(new string('o', 101)));
    }

    public sealed record Total(string? Currency);

    public sealed record OrderRequest(string? Id, string? Note = null, string? Currency = null, Total? Total = null, string? CommissionCurrency = null);
}
