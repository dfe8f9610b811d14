using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Xunit;

namespace PartnerMesh.Testing;

/// <summary>The kinds of caller the authorization matrix sends every operation.</summary>
public enum MatrixCaller
{
    NoToken,
    Storefront,
    Admin,

    /// <summary>A partner, with its own id wherever the operation names a partner.</summary>
    Partner,

    /// <summary>A partner, with another partner's id wherever the operation names a partner.</summary>
    OtherPartner,

    /// <summary>An admin token issued for another service's audience.</summary>
    OtherAudience,
    Expired,
    SignedWithUnknownKey,

    /// <summary>An unsigned token (<c>alg: none</c>) claiming admin.</summary>
    AlgNone,
}

/// <summary>
/// The authorization matrix: every operation of a service's committed OpenAPI document (docs/api/) × every
/// <see cref="MatrixCaller"/>, each answered with the status its declared <c>x-partnermesh-policy</c> implies: 401 for a
/// missing or bad token, 403 for a valid one without the scope, 403 or 404 for a partner naming another partner (or, when
/// only the query names it, a 2xx answer that never mentions that partner: the partner comes from the token), and for
/// an admitted caller anything but 401/403 (the point is the authorization decision, not the operation's success). Never
/// a 5xx. An operation without a known policy is a failure of its own. Path, required query and header parameters get
/// fresh placeholder values; a JSON body is <c>{}</c>.
/// </summary>
public static class AuthorizationMatrix
{
    public static readonly IReadOnlyList<MatrixCaller> Callers = Enum.GetValues<MatrixCaller>();

    private static readonly string[] Policies = ["anonymous", "storefront", "admin", "partner-or-admin", "partner", "portal-session"];

    /// <summary>
    /// The matrix of the service a <see cref="ServiceFactory{TProgram, TDbContext}"/> hosts, with the tokens of
    /// <see cref="ServiceFactory{TProgram, TDbContext}.Tokens"/>: scoped ones claim admin whenever the kind is a bad token.
    /// </summary>
    public static async Task AssertAsync<TProgram, TDbContext>(
        ServiceFactory<TProgram, TDbContext> factory, CancellationToken cancellationToken)
        where TProgram : class
        where TDbContext : Microsoft.EntityFrameworkCore.DbContext
    {
        ArgumentNullException.ThrowIfNull(factory);
        var tokens = factory.Tokens;
        var otherAudience = tokens.Audience == ServiceDefaults.ResourceNames.CouponsApi
            ? ServiceDefaults.ResourceNames.AttributionApi
            : ServiceDefaults.ResourceNames.CouponsApi;
        const string Admin = ServiceDefaults.Security.PartnerMeshScopes.Admin;
        var clients = new Dictionary<(MatrixCaller, Guid), HttpClient>();
        try
        {
            await AssertAsync(tokens.Audience, (caller, partnerId) =>
            {
                var key = (caller, caller is MatrixCaller.Partner or MatrixCaller.OtherPartner ? partnerId : Guid.Empty);
                if (!clients.TryGetValue(key, out var client))
                {
                    client = caller switch
                    {
                        MatrixCaller.NoToken => factory.CreateAnonymousClient(),
                        MatrixCaller.Storefront => factory.CreateClientWithToken(tokens.For(ServiceDefaults.Security.PartnerMeshScopes.Storefront)),
                        MatrixCaller.Admin => factory.CreateClientWithToken(tokens.For(Admin)),
                        MatrixCaller.Partner or MatrixCaller.OtherPartner => factory.CreateClientWithToken(tokens.Partner(partnerId)),
                        MatrixCaller.OtherAudience => factory.CreateClientWithToken(tokens.ForAudience(otherAudience, Admin)),
                        MatrixCaller.Expired => factory.CreateClientWithToken(tokens.Expired(Admin)),
                        MatrixCaller.SignedWithUnknownKey => factory.CreateClientWithToken(tokens.SignedWithUnknownKey(Admin)),
                        MatrixCaller.AlgNone => factory.CreateClientWithToken(tokens.WithoutSignature(Admin)),
                        _ => throw new ArgumentOutOfRangeException(nameof(caller), caller, null),
                    };
                    clients[key] = client;
                }

                return client;
            }, cancellationToken);
        }
        finally
        {
            foreach (var client in clients.Values)
            {
                client.Dispose();
            }
        }
    }

    /// <summary>
    /// Sends every cell and fails with the list of wrong answers. <paramref name="clientFor"/> gives the client of a
    /// caller acting for <c>partnerId</c> (partners) — the same client may be returned for every partner id of other kinds.
    /// </summary>
    public static async Task AssertAsync(
        string resourceName, Func<MatrixCaller, Guid, HttpClient> clientFor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clientFor);
        var operations = OpenApiOperations.Committed(resourceName);
        var failures = new List<string>();
        var partnerId = Guid.NewGuid();
        var otherPartnerId = Guid.NewGuid();
        var cells = 0;
        foreach (var operation in operations)
        {
            if (operation.Policy is not { } policy || !Policies.Contains(policy, StringComparer.Ordinal))
            {
                failures.Add($"{operation}: no known {OpenApiOperation.PolicyExtension} ('{operation.Policy}')");
                continue;
            }

            foreach (var caller in Callers)
            {
                cells++;
                var named = caller == MatrixCaller.OtherPartner ? otherPartnerId : partnerId;
                var client = clientFor(caller, partnerId);
                using var request = BuildRequest(operation, named);
                using var response = await client.SendAsync(request, cancellationToken);
                var status = (int)response.StatusCode;
                var expected = Expected(policy, caller, NamesAPartner(operation), NamesAResource(operation));
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                if (!expected.Admits(status) && !AnswersForItself(operation, caller, status, body, otherPartnerId))
                {
                    failures.Add($"{operation} [{policy}] as {caller}: {status}, expected {expected.Text} — {Shorten(body)}");
                }
            }
        }

        var size = $"authorization matrix {resourceName}: {operations.Count} operations × {Callers.Count} callers = {cells} cells, {failures.Count} failures";
        TestContext.Current.SendDiagnosticMessage(size);
        TestContext.Current.TestOutputHelper?.WriteLine(size);
        Console.WriteLine(size);
        Assert.True(failures.Count == 0, size + Environment.NewLine + string.Join(Environment.NewLine, failures));
    }

    /// <summary>What a caller should get from an operation with the given policy.</summary>
    /// <param name="policy">The operation's declared policy.</param>
    /// <param name="caller">Who calls.</param>
    /// <param name="namesAPartner">Whether a parameter names a partner (<see cref="NamesAPartner"/>).</param>
    /// <param name="namesAResource">
    /// Whether the path names something else (a fresh id: not the partner's own, so a partner may be refused it).
    /// </param>
    public static Expectation Expected(string policy, MatrixCaller caller, bool namesAPartner, bool namesAResource)
    {
        if (policy == "anonymous")
        {
            return Expectation.Admitted;
        }

        if (caller is MatrixCaller.NoToken or MatrixCaller.OtherAudience or MatrixCaller.Expired
            or MatrixCaller.SignedWithUnknownKey or MatrixCaller.AlgNone)
        {
            return Expectation.Status(HttpStatusCode.Unauthorized);
        }

        return (policy, caller) switch
        {
            // A session is the portal's cookie: no token is one.
            ("portal-session", _) => Expectation.Status(HttpStatusCode.Unauthorized),
            ("partner", MatrixCaller.Admin) => Expectation.Status(HttpStatusCode.Forbidden),
            (_, MatrixCaller.Admin) => Expectation.Admitted,
            ("storefront", MatrixCaller.Storefront) => Expectation.Admitted,
            ("partner-or-admin" or "partner", MatrixCaller.OtherPartner) when namesAPartner =>
                Expectation.Status(HttpStatusCode.Forbidden, HttpStatusCode.NotFound),
            ("partner-or-admin" or "partner", MatrixCaller.Partner or MatrixCaller.OtherPartner) when namesAResource =>
                Expectation.AdmittedOrRefusedTheResource,
            ("partner-or-admin" or "partner", MatrixCaller.Partner or MatrixCaller.OtherPartner) => Expectation.Admitted,
            _ => Expectation.Status(HttpStatusCode.Forbidden),
        };
    }

    /// <summary>Whether a path or query parameter names a partner (<c>partnerId</c>, or the id of <c>/partners/{id}</c>).</summary>
    public static bool NamesAPartner(OpenApiOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return operation.Parameters("path").Concat(operation.Parameters("query")).Any(parameter => IsPartnerParameter(operation, parameter));
    }

    /// <summary>
    /// A partner naming another partner only in the query may be answered with its own data (the partner comes from
    /// the token, the query is for admins): a 2xx that does not mention the other partner.
    /// </summary>
    private static bool AnswersForItself(OpenApiOperation operation, MatrixCaller caller, int status, string body, Guid otherPartnerId) =>
        caller == MatrixCaller.OtherPartner
        && status is >= 200 and < 300
        && !operation.Parameters("path").Any(parameter => IsPartnerParameter(operation, parameter))
        && !body.Contains(otherPartnerId.ToString(), StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether a path parameter names something other than a partner.</summary>
    public static bool NamesAResource(OpenApiOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return operation.Parameters("path").Any(parameter => !IsPartnerParameter(operation, parameter));
    }

    private static bool IsPartnerParameter(OpenApiOperation operation, JsonObject parameter)
    {
        var name = parameter["name"]!.GetValue<string>();
        return name.Equals("partnerId", StringComparison.OrdinalIgnoreCase)
            || (parameter["in"]?.GetValue<string>() == "path" && operation.Path.Contains("/partners/{" + name + "}", StringComparison.Ordinal));
    }

    /// <summary>
    /// A request for the operation: path, required query and header parameters filled with fresh placeholders (a
    /// partner parameter with <paramref name="partnerId"/>), a JSON body <c>{}</c>.
    /// </summary>
    public static HttpRequestMessage BuildRequest(OpenApiOperation operation, Guid partnerId)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var path = operation.Path;
        foreach (var parameter in operation.Parameters("path"))
        {
            var name = parameter["name"]!.GetValue<string>();
            path = path.Replace("{" + name + "}", Uri.EscapeDataString(Placeholder(operation, parameter, partnerId)), StringComparison.Ordinal);
        }

        var query = operation.Parameters("query")
            .Where(parameter => parameter["required"]?.GetValue<bool>() == true || IsPartnerParameter(operation, parameter))
            .Select(parameter => $"{Uri.EscapeDataString(parameter["name"]!.GetValue<string>())}={Uri.EscapeDataString(Placeholder(operation, parameter, partnerId))}")
            .ToList();
        var request = new HttpRequestMessage(new HttpMethod(operation.Method), query.Count == 0 ? path : path + "?" + string.Join('&', query));
        foreach (var header in operation.Parameters("header").Where(parameter => parameter["required"]?.GetValue<bool>() == true))
        {
            request.Headers.TryAddWithoutValidation(header["name"]!.GetValue<string>(), Guid.NewGuid().ToString());
        }

        if (operation.Node["requestBody"]?["content"]?.AsObject().Select(content => content.Key).FirstOrDefault() is { } contentType)
        {
            var json = contentType.Contains("json", StringComparison.Ordinal);
            request.Content = new StringContent(json ? "{}" : "", Encoding.UTF8);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        }

        return request;
    }

    private static string Placeholder(OpenApiOperation operation, JsonObject parameter, Guid partnerId)
    {
        if (IsPartnerParameter(operation, parameter))
        {
            return partnerId.ToString();
        }

        var schema = parameter["schema"];
        var format = schema?["format"]?.GetValue<string>();
        var types = schema?["type"] switch
        {
            JsonArray array => array.Select(type => type!.GetValue<string>()).ToList(),
            JsonValue value => [value.GetValue<string>()],
            _ => [],
        };
        return format switch
        {
            "uuid" => Guid.NewGuid().ToString(),
            "date" => "2026-01-01",
            "date-time" => "2026-01-01T00:00:00Z",
            _ when types.Contains("integer") || types.Contains("number") => "1",
            _ when types.Contains("boolean") => "true",
            _ => "matrix-" + Guid.NewGuid().ToString("N")[..8],
        };
    }

    private static string Shorten(string body) => body.Length <= 300 ? body : body[..300] + "…";

    /// <summary>The statuses a cell accepts.</summary>
    public sealed record Expectation(string Text, Func<int, bool> Admits)
    {
        /// <summary>Let through authorization: anything but 401/403, and never a 5xx.</summary>
        public static Expectation Admitted { get; } = new("not 401/403/5xx", status => status is not (401 or 403) && status < 500);

        /// <summary>A partner asking for a resource that is not its own (a fresh id): admitted, or refused it (403/404).</summary>
        public static Expectation AdmittedOrRefusedTheResource { get; } = new("not 401/5xx", status => status != 401 && status < 500);

        public static Expectation Status(params HttpStatusCode[] statuses) =>
            new(string.Join(" or ", statuses.Select(status => (int)status)), status => statuses.Contains((HttpStatusCode)status));
    }
}
