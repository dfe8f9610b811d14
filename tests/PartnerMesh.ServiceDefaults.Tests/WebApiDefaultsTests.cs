using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PartnerMesh.ServiceDefaults.WebApi;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.ServiceDefaults.Tests;

/// <summary>Bad input and oversized bodies become 4xx problem details on a real Kestrel host; OpenAPI is published.</summary>
public sealed class WebApiDefaultsTests : IAsyncLifetime
{
    private const long Limit = 1024;
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddBasicServiceDefaults();
        builder.AddWebApiDefaults(maxRequestBodyBytes: 64 * 1024);
        // A host may still change the limit later, as the gateway does from its own options.
        builder.Services.Configure<WebApiOptions>(options => options.MaxRequestBodyBytes = Limit);
        _app = builder.Build();
        _app.UseWebApiDefaults();
        _app.MapDefaultEndpoints();
        _app.MapPost("/echo", (EchoRequest request) => TypedResults.Ok(request));
        _app.MapPost("/amounts", (AmountRequest request) => TypedResults.Ok(request));
        _app.MapPost("/marked", (MarkedRequest request) => TypedResults.Ok(request.Name));
        _app.MapPost("/drawings", (Drawing drawing) => TypedResults.Ok(drawing.Shapes.Count));
        _app.MapGet("/bad-request", IResult () => throw new BadHttpRequestException("Unreadable input."));
        _app.MapGet("/since", (DateTimeOffset? from, DateOnly? day) => TypedResults.Ok(from));
        _app.MapGet("/search", (string? q) => TypedResults.Ok(q));
        _app.MapGet("/cleaned", (string? q) => TypedResults.Ok(q?.Replace("\0", "", StringComparison.Ordinal))).WithMetadata(CleansQueryText.Instance);
        _app.MapGet("/database-down", IResult () => throw new InvalidOperationException("EF wrapper", new StoreException(isTransient: true)));
        _app.MapGet("/stopping", IResult () => throw new ServiceStoppingException("the writer has stopped"));
        _app.MapGet("/database-bug", IResult () => throw new StoreException(isTransient: false));
        _app.MapGet("/database-nul", IResult () => throw new InvalidOperationException("EF wrapper", new StoreException(isTransient: false, sqlState: "22021")));
        _app.MapPost("/documents", (System.Text.Json.Nodes.JsonObject document) => TypedResults.Ok(document.Count));
        _app.MapGet("/validated", () => TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = ["limit is 1 to 200."] }));
        _app.MapGet("/forbidden", () => Results.StatusCode(StatusCodes.Status403Forbidden));
        _app.MapGet("/plain-bad-request", () => Results.StatusCode(StatusCodes.Status400BadRequest));
        _app.MapGet("/unprocessable", () => Problems.Unprocessable("Refused"));
        _app.MapPost("/raw", async (HttpRequest request, CancellationToken cancellationToken) =>
        {
            using var reader = new StreamReader(request.Body);
            return TypedResults.Ok((await reader.ReadToEndAsync(cancellationToken)).Length);
        });
        await _app.StartAsync(Ct);
        _client = new HttpClient { BaseAddress = new Uri(_app.Urls.Single()) };
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Post_ValidJson_IsHandled()
    {
        var response = await _client.PostAsJsonAsync("/echo", new EchoRequest("hello", 3), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("{\"text\":")]
    [InlineData("{\"text\":\"hello\",\"count\":\"three\"}")]
    public async Task Post_MalformedJsonOrWrongType_Returns400Problem(string body)
    {
        var response = await _client.PostAsync("/echo", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        // Outside Development, minimal APIs answer 400 themselves and status code pages writes the problem.
        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("{\"text\":\"hello\",\"count\":\"three\"}", "count", "wrong type")]
    [InlineData("{\"text\":\"hello\",\"count\":1.5}", "count", "wrong type")]
    [InlineData("{\"text\":\"hello\",\"count\":1000000000000}", "count", "out of range")]
    [InlineData("{\"text\":\"hello\",\"count\":\"3\"}", "count", "wrong type")]
    [InlineData("{\"shapes\":[{\"type\":\"circle\",\"radius\":\"2.5\"}]}", "shapes[0].radius", "wrong type")]
    [InlineData("{\"text\":7,\"count\":1}", "text", "wrong type")]
    [InlineData("{\"text\":\"hello\",\"count\":tru}", "count", "malformed")]
    [InlineData("{\"shapes\":[{\"type\":\"circle\",\"radius\":\"big\"}]}", "shapes[0].radius", "wrong type")]
    [InlineData("{\"shapes\":[{\"type\":\"square\",\"side\":1}]}", "shapes[0]", "names a type")]
    public async Task Post_WrongTypeOrMalformedJson_NamesTheField(string body, string field, string expected)
    {
        var path = field.StartsWith("shapes", StringComparison.Ordinal) ? "/drawings" : "/echo";

        var problem = await (await _client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"), Ct))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        var errors = JsonSerializer.Deserialize<Dictionary<string, string[]>>(problem.Extensions["errors"]!.ToString()!)!;
        Assert.Contains(expected, Assert.Single(errors[field]), StringComparison.Ordinal);
        Assert.DoesNotContain("System.", problem.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"shapes\":[{}]}")]
    [InlineData("{\"shapes\":[{\"radius\":2}]}")]
    [InlineData("{\"shapes\":[{\"type\":\"circle\",\"radius\":1},{\"radius\":2}]}")]
    public async Task Post_PolymorphicObjectWithoutItsType_Returns400ProblemNamingThePath(string body)
    {
        var response = await _client.PostAsync("/drawings", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("$.shapes[", problem.Detail, StringComparison.Ordinal);
        Assert.Contains("'type'", problem.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(Shape), problem.Detail, StringComparison.Ordinal);
        var errors = JsonSerializer.Deserialize<Dictionary<string, string[]>>(problem.Extensions["errors"]!.ToString()!)!;
        Assert.StartsWith("shapes[", Assert.Single(errors.Keys), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"shapes\":[{\"type\":\"circle\",\"radius\":1}]}", HttpStatusCode.OK)]
    [InlineData("{\"shapes\":[{\"type\":\"square\",\"side\":1}]}", HttpStatusCode.BadRequest)]
    public async Task Post_PolymorphicObjectWithAKnownOrUnknownType_IsReadOrRefused(string body, HttpStatusCode expected)
    {
        var response = await _client.PostAsync("/drawings", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(expected, response.StatusCode);
    }

    [Theory]
    [InlineData("{\"text\":\"a\\u0000b\",\"count\":1}")]
    [InlineData("{\"text\":\"\\u0000\",\"count\":1}")]
    [InlineData("{\"text\":\"\\\\\\u0000\",\"count\":1}")]
    public async Task Post_JsonStringWithNul_Returns400Problem_BeforeTheEndpoint(string body)
    {
        var response = await _client.PostAsync("/echo", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(WebApiOptions.NulCharacterDetail, problem.Detail);
        Assert.Contains("\"text\"", problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"text\":\"\\\\u0000\",\"count\":1}", "\\u0000")]
    [InlineData("{\"text\":\"\\u0001\\u00000x\",\"count\":1}", null)]
    [InlineData("{\"text\":\"\\u00e9\\\"u0000\",\"count\":1}", "é\"u0000")]
    public async Task Post_JsonStringWithTextThatOnlyLooksLikeNul_IsRead(string body, string? expected)
    {
        var response = await _client.PostAsync("/echo", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        if (expected is null)
        {
            await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest); // \u0000 after \u0001 is NUL
            return;
        }

        var echoed = await response.Content.ReadFromJsonAsync<EchoRequest>(Ct);
        Assert.Equal(expected, echoed!.Text);
    }

    [Theory]
    [InlineData("{\"lines\":[{\"productId\":\"ok\"},{\"productId\":\"p\\u0000\"}]}", "lines[1].productId")]
    [InlineData("{\"definition\":{\"name\":\"x\",\"action\":{\"filter\":{\"productIds\":[\"a\",\"\\u0000\"]}}}}", "definition.action.filter.productIds[1]")]
    [InlineData("{\"customer\":{\"email\":\"a@b.example\",\"tags\":[]},\"note\":\"\\u0000\"}", "note")]
    [InlineData("{\"grid\":[[1,\"x\"],[{\"k\":2},\"\\u0000\"]]}", "grid[1][1]")]
    [InlineData("{ \"a\" : [ 1 , 2 ] , \"b\" : { \"c\" : \"d\\u0000\" } }", "b.c")]
    public async Task Post_JsonStringWithNul_NamesTheFieldByItsJsonPath(string body, string field)
    {
        var response = await _client.PostAsync("/documents", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        var errors = JsonSerializer.Deserialize<Dictionary<string, string[]>>(problem.Extensions["errors"]!.ToString()!)!;
        Assert.Equal(field, Assert.Single(errors.Keys));
    }

    /// <summary>Every problem says what went wrong in <c>detail</c>, also those ASP.NET Core writes without one.</summary>
    [Theory]
    [InlineData("GET", "/no/such/route", null, HttpStatusCode.NotFound, "/no/such/route")]
    [InlineData("GET", "/echo", null, HttpStatusCode.MethodNotAllowed, "use POST")]
    [InlineData("POST", "/echo", "text/plain", HttpStatusCode.UnsupportedMediaType, "'text/plain")]
    [InlineData("GET", "/validated", null, HttpStatusCode.BadRequest, "limit: limit is 1 to 200.")]
    [InlineData("GET", "/forbidden", null, HttpStatusCode.Forbidden, "do not allow")]
    [InlineData("GET", "/unprocessable", null, HttpStatusCode.UnprocessableEntity, "Refused")]
    public async Task Problem_WithoutADetailFromItsWriter_CarriesOne(string method, string path, string? contentType, HttpStatusCode status, string expected)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (contentType is not null)
        {
            request.Content = new StringContent("{}", Encoding.UTF8, contentType);
        }

        var problem = await (await _client.SendAsync(request, Ct)).ShouldBeProblemAsync(status);

        Assert.Contains(expected, problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Problem422_HasRfc9110sType()
    {
        var problem = await (await _client.GetAsync("/unprocessable", Ct)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Equal("https://tools.ietf.org/html/rfc9110#section-15.5.21", problem.Type);
    }

    [Fact]
    public async Task DatabaseRefusingNulText_Returns400Problem()
    {
        var response = await _client.GetAsync("/database-nul", Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(WebApiOptions.NulCharacterDetail, problem.Detail);
    }

    [Fact]
    public async Task Post_WithoutABody_Returns400Problem_InTheCallersWords()
    {
        var response = await _client.PostAsync("/echo", new StringContent("", Encoding.UTF8, "application/json"), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(WebApiOptions.MissingBodyDetail, problem.Detail);
    }

    [Fact]
    public async Task BadHttpRequestException_Returns400ProblemWithItsMessage()
    {
        var response = await _client.GetAsync("/bad-request", Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("Bad Request", problem.Title);
        Assert.Equal("Unreadable input.", problem.Detail);
    }

    /// <summary>Whoever writes the 400 (status-code pages, the exception handler, a query guard), its title is RFC 9110's
    /// reason phrase, spelt alike.</summary>
    [Theory]
    [InlineData("/plain-bad-request", null)]
    [InlineData("/bad-request", null)]
    [InlineData("/echo", "{\"text\":")]
    [InlineData("/search?q=%00", null)]
    [InlineData("/search?limit=05", null)]
    public async Task Every400_IsTitledBadRequest(string path, string? body)
    {
        var response = body is null
            ? await _client.GetAsync(path, Ct)
            : await _client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("Bad Request", problem.Title);
    }

    [Theory]
    [InlineData("from=2026-12-06T00:30:00+02:00", "from", "'2026-12-06T00:30:00 02:00' is not a date-time (ISO 8601, e.g. 2026-12-06T00:30:00Z). In a query string '+' must be URL-encoded as %2B (a bare '+' reads as a space).")]
    [InlineData("day=2026-13-45", "day", "'2026-13-45' is not a date (yyyy-MM-dd).")]
    public async Task Get_QueryValueOfTheWrongForm_Returns400NamingTheParameterAndWhatItTakes(string query, string field, string expected)
    {
        var response = await _client.GetAsync($"/since?{query}", Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal($"{field}: {expected}", problem.Detail);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(expected, body.RootElement.GetProperty("errors").GetProperty(field)[0].GetString());
    }

    [Theory]
    [InlineData("q=a%00b", HttpStatusCode.BadRequest)]
    [InlineData("q=%00", HttpStatusCode.BadRequest)]
    [InlineData("%00=x", HttpStatusCode.BadRequest)]
    [InlineData("q=a%2500b", HttpStatusCode.OK)]
    public async Task Get_QueryWithNul_Returns400Problem_BeforeTheEndpoint(string query, HttpStatusCode expected)
    {
        var response = await _client.GetAsync($"/search?{query}", Ct);

        if (expected == HttpStatusCode.OK)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("a%00b", await response.Content.ReadFromJsonAsync<string>(Ct));
            return;
        }

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(WebApiOptions.NulCharacterDetail, problem.Detail);
    }

    [Fact]
    public async Task Get_QueryWithNul_ReachesAnEndpointThatCleansItsQueryText()
    {
        var response = await _client.GetAsync("/cleaned?q=ev%00il", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("evil", await response.Content.ReadFromJsonAsync<string>(Ct));
    }

    [Fact]
    public async Task Get_QueryValueOfTheRightForm_IsBound()
    {
        var response = await _client.GetAsync("/since?from=2026-12-06T00:30:00%2B02:00", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new DateTimeOffset(2026, 12, 5, 22, 30, 0, TimeSpan.Zero), await response.Content.ReadFromJsonAsync<DateTimeOffset>(Ct));
    }

    [Fact]
    public async Task Post_DeclaredLengthAboveLimit_Returns413ProblemBeforeTheEndpoint()
    {
        var response = await _client.PostAsync("/raw", new StringContent(new string('x', (int)Limit + 1)), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal($"Request bodies are limited to {Limit} bytes.", problem.Detail);
    }

    [Fact]
    public async Task Post_ChunkedBodyAboveLimit_Returns413Problem()
    {
        using var content = new StreamContent(new MemoryStream(new byte[Limit * 4]));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/raw") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await _client.SendAsync(request, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    /// <summary>Kestrel counts chunk framing (size lines, CRLFs) against its limit: a body of exactly the limit sent in small
    /// chunks was a 413 that the same bytes with Content-Length were not. The limit is on the body's bytes.</summary>
    [Theory]
    [InlineData(Limit, HttpStatusCode.OK)]
    [InlineData(Limit + 1, HttpStatusCode.RequestEntityTooLarge)]
    public async Task Post_ChunkedBodyInSmallChunks_IsLimitedByItsBodyBytes(long length, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/raw") { Content = new SmallChunksContent(new byte[length], chunkSize: 16) };

        var response = await _client.SendAsync(request, Ct);

        if (expected == HttpStatusCode.OK)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(length, await response.Content.ReadFromJsonAsync<long>(Ct));
        }
        else
        {
            await response.ShouldBeProblemAsync(expected);
        }
    }

    [Fact]
    public async Task Get_OpenApiDocument_IsPublishedAnonymously()
    {
        var response = await _client.GetAsync("/openapi/v1.json", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("/echo", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    /// <summary>A body of unknown length (sent chunked), written <paramref name="chunkSize"/> bytes at a time: one chunk each.</summary>
    private sealed class SmallChunksContent(byte[] body, int chunkSize) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            for (var offset = 0; offset < body.Length; offset += chunkSize)
            {
                await stream.WriteAsync(body.AsMemory(offset, Math.Min(chunkSize, body.Length - offset)));
                await stream.FlushAsync();
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    private sealed record EchoRequest(string Text, int Count);

    /// <summary>Nullable so that a validator names a missing member; <c>[Required]</c> so the document lists it.</summary>
    private sealed record MarkedRequest([Required] string? Name, [Required] decimal? Amount, string? Note);

    [Fact]
    public async Task Get_OpenApiDocument_ListsMarkedMembersAsRequiredAndNotNull()
    {
        var document = JsonNode.Parse(await _client.GetStringAsync("/openapi/v1.json", Ct))!;
        var schema = document["components"]!["schemas"]!["MarkedRequest"]!;

        Assert.Equal(["amount", "name"], schema["required"]!.AsArray().Select(name => name!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal("string", schema["properties"]!["name"]!["type"]!.ToJsonString().Trim('"'));
        Assert.Equal("number", schema["properties"]!["amount"]!["type"]!.ToJsonString().Trim('"'));
        Assert.Equal("""["null","string"]""", schema["properties"]!["note"]!["type"]!.ToJsonString());
    }

    [Fact]
    public async Task Get_OpenApiDocument_DeclaresA415ProblemWhereABodyIsTaken()
    {
        var document = JsonNode.Parse(await _client.GetStringAsync("/openapi/v1.json", Ct))!;

        Assert.NotNull(document["paths"]!["/echo"]!["post"]!["responses"]!["415"]!["content"]!["application/problem+json"]);
        Assert.Null(document["paths"]!["/search"]!["get"]!["responses"]!["415"]);
    }

    private sealed record AmountRequest(decimal Amount, decimal? Optional, IReadOnlyList<decimal>? Lines);

    [Theory]
    [InlineData("{\"amount\":39.9999999999999999999999999999}", "amount")] // 30 significant digits: read as 40
    [InlineData("{\"amount\":39.999999999999999999999999999999999}", "amount")]
    [InlineData("{\"amount\":999.99999999999999999999999999}", "amount")]
    [InlineData("{\"amount\":10.00000000000000000000000000001}", "amount")]
    [InlineData("{\"amount\":1e-30}", "amount")] // underflows to 0
    [InlineData("{\"amount\":1E-29}", "amount")]
    [InlineData("{\"amount\":-1e-40}", "amount")]
    [InlineData("{\"amount\":1,\"optional\":1e-30}", "optional")]
    [InlineData("{\"amount\":1,\"lines\":[1,2.00000000000000000000000000000001]}", "lines[1]")]
    public async Task Post_NumberADecimalCannotHoldExactly_Returns400NamingTheField(string body, string field)
    {
        var response = await _client.PostAsync("/amounts", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        var errors = JsonSerializer.Deserialize<Dictionary<string, string[]>>(problem.Extensions["errors"]!.ToString()!)!;
        Assert.Contains("more digits", Assert.Single(errors[field]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("40", "40")]
    [InlineData("39.99", "39.99")]
    [InlineData("1e2", "100")]
    [InlineData("1.5E+1", "15")]
    [InlineData("-0", "0")]
    [InlineData("0.0", "0")]
    [InlineData("40.000000000000000000000000000000000", "40")] // exactly 40, however many zeros
    [InlineData("0.0000000000000000000000000001", "0.0000000000000000000000000001")] // 1e-28 is a decimal
    [InlineData("79228162514264337593543950335", "79228162514264337593543950335")] // decimal.MaxValue
    [InlineData("1234567890123456789012345678.9", "1234567890123456789012345678.9")] // 29 significant digits
    public async Task Post_NumberADecimalHoldsExactly_IsRead(string number, string expected)
    {
        var response = await _client.PostAsync("/amounts", new StringContent($"{{\"amount\":{number},\"optional\":{number}}}", Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var read = await response.Content.ReadFromJsonAsync<AmountRequest>(Ct);
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), read!.Amount);
        Assert.Equal(read.Amount, read.Optional);
    }

    [Theory]
    [InlineData("{\"amount\":\"40\"}", "wrong type")]
    [InlineData("{\"amount\":1e30}", "out of range")]
    [InlineData("{\"amount\":null}", "wrong type")]
    public async Task Post_AmountOfTheWrongTypeOrOutOfRange_StaysRefused(string body, string expected)
    {
        var response = await _client.PostAsync("/amounts", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        var errors = JsonSerializer.Deserialize<Dictionary<string, string[]>>(problem.Extensions["errors"]!.ToString()!)!;
        Assert.Contains(expected, Assert.Single(errors["amount"]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    [InlineData("identity, gzip")]
    [InlineData("x-unknown")]
    public async Task Post_BodyWithAContentCoding_Returns415Problem(string coding)
    {
        using var compressed = new MemoryStream();
        await using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync("{\"text\":\"hello\",\"count\":3}"u8.ToArray(), Ct);
        }

        using var content = new ByteArrayContent(compressed.ToArray());
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        content.Headers.TryAddWithoutValidation("Content-Encoding", coding);

        var response = await _client.PostAsync("/echo", content, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(WebApiOptions.ContentCodingDetail, problem.Detail);
        Assert.Equal("identity", response.Headers.GetValues("Accept-Encoding").Single());
    }

    [Fact]
    public async Task Post_BodyWithIdentityCoding_IsRead()
    {
        using var content = new StringContent("{\"text\":\"hello\",\"count\":3}", Encoding.UTF8, "application/json");
        content.Headers.ContentEncoding.Add("identity");

        var response = await _client.PostAsync("/echo", content, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("/openapi/x.json")]
    [InlineData("/openapi/v2.json")]
    [InlineData("/openapi/gateway.json")]
    public async Task Get_UnknownOpenApiDocument_Returns404Problem(string path)
    {
        var response = await _client.GetAsync(path, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Get_OpenApiDocumentNameInAnotherCase_IsPublished()
    {
        var response = await _client.GetAsync("/openapi/V1.json", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task UnreachableDatabase_Returns503ProblemDetails()
    {
        var response = await _client.GetAsync("/database-down", Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task RequestDuringShutdown_Returns503ProblemDetails()
    {
        var response = await _client.GetAsync("/stopping", Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task NonTransientDatabaseError_Returns500ProblemDetails()
    {
        var response = await _client.GetAsync("/database-bug", Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private sealed class StoreException(bool isTransient, string? sqlState = null) : System.Data.Common.DbException("store failure")
    {
        public override bool IsTransient => isTransient;

        public override string? SqlState => sqlState;
    }
}

[System.Text.Json.Serialization.JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(Circle), "circle")]
public abstract record Shape;

public sealed record Circle(double Radius) : Shape;

public sealed record Drawing(IReadOnlyList<Shape> Shapes);
