using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace PartnerMesh.ServiceDefaults.WebApi;

/// <summary>
/// Malformed JSON, wrong types and over-long bodies surface as <see cref="BadHttpRequestException"/>; they are the
/// caller's fault, so they become 4xx problem details with the exception's own status (400, 413), never a 500. So does a
/// body System.Text.Json cannot read for want of a type discriminator (<see cref="UnreadableJsonBody"/>).
/// Other exceptions get the status <see cref="ExceptionStatusCodes"/> picks (503 for an unreachable store, else 500).
/// </summary>
internal sealed partial class BadRequestExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, detail) = exception switch
        {
            BadHttpRequestException badRequest when MissingBody().IsMatch(badRequest.Message) => (badRequest.StatusCode, WebApiOptions.MissingBodyDetail),
            BadHttpRequestException badRequest => (badRequest.StatusCode, badRequest.Message),
            _ when UnreadableJsonBody.Detail(exception) is { } unreadable => (StatusCodes.Status400BadRequest, unreadable),
            _ when ExceptionStatusCodes.IsUnstorableText(exception) => (StatusCodes.Status400BadRequest, WebApiOptions.NulCharacterDetail),
            _ => (0, null),
        };
        if (status == 0)
        {
            return false;
        }

        var problem = exception.InnerException is JsonException { Path: { } path } json
            ? JsonFieldProblem(path, json)
            : exception is BadHttpRequestException && BindingFailure().Match(detail!) is { Success: true } binding
                ? BindingProblem(binding.Groups["type"].Value, binding.Groups["name"].Value, binding.Groups["value"].Value)
            : UnreadableJsonBody.Path(exception) is { } typePath
                ? new HttpValidationProblemDetails(new Dictionary<string, string[]> { [FieldOf(typePath)] = [detail!] }) { Detail = detail }
                : new ProblemDetails { Detail = detail };
        problem.Status = status;
        problem.Title = status == StatusCodes.Status413PayloadTooLarge ? WebApiOptions.TooLargeTitle : "Bad Request";
        httpContext.Response.StatusCode = status;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, Exception = exception, ProblemDetails = problem });
    }

    /// <summary>
    /// A body System.Text.Json could not read names the place it stopped (<c>$.lines[2].price</c>): the answer names that
    /// field as a validation problem does, so a caller learns which value was wrong, not only that the body was. The
    /// reader's own message is not passed on: it names the server's .NET types.
    /// </summary>
    private static HttpValidationProblemDetails JsonFieldProblem(string path, JsonException json)
    {
        var field = FieldOf(DuplicateMember().Match(json.Message) is { Success: true } duplicate ? PathOfDuplicate(path, duplicate.Groups[1].Value) : path);
        var message = json.Message switch
        {
            ExactDecimalConverter.InexactMessage =>
                $"'{field}' has more digits than a number here keeps (28 significant digits at most): it would be rounded, so it is refused.",
            var text when text.StartsWith("The JSON value could not be converted", StringComparison.Ordinal) =>
                $"'{field}' has the wrong type, or a value out of range for it.",
            var text when text.Contains("could not be mapped to any .NET member", StringComparison.Ordinal) =>
                $"'{field}' is not a property of this request.",
            var text when text.StartsWith("Duplicate property", StringComparison.Ordinal) =>
                $"'{field}' is given more than once in its object: each member may appear once.",
            var text when text.Contains("type discriminator", StringComparison.Ordinal) =>
                $"'{field}' names a type this operation does not know.",
            _ => $"The JSON is malformed at '{field}'{(json.LineNumber is { } line ? $" (line {line + 1}, byte {json.BytePositionInLine + 1})" : "")}.",
        };
        return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Detail = $"The request body could not be read: {message}",
        };
    }

    /// <summary>
    /// A route or query value of the wrong type (<c>?from=2026-12-06T00:30:00+02:00</c> sent unencoded: the '+' reads as
    /// a space): the answer names the parameter and what it takes, not the server's .NET type.
    /// </summary>
    private static HttpValidationProblemDetails BindingProblem(string type, string name, string value)
    {
        // Minimal APIs name a nullable type "Nullable<DateOnly>", others "DateOnly?".
        var expected = type.Replace("Nullable<", "", StringComparison.Ordinal).TrimEnd('?', '>') switch
        {
            "DateTimeOffset" or "DateTime" => "a date-time (ISO 8601, e.g. 2026-12-06T00:30:00Z)",
            "DateOnly" => "a date (yyyy-MM-dd)",
            "Guid" => "an id (a GUID)",
            "int" or "long" or "short" => "a whole number",
            "decimal" or "double" or "float" => "a number",
            "bool" => "true or false",
            _ => "a value of another form",
        };
        var hint = value.Contains(' ', StringComparison.Ordinal) ? " In a query string '+' must be URL-encoded as %2B (a bare '+' reads as a space)." : "";
        var shown = value.Length <= 60 ? value : value[..60] + "…";
        var message = $"'{shown}' is not {expected}.{hint}";
        return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [name] = [message] })
        {
            Detail = $"{name}: {message}",
        };
    }

    /// <summary>
    /// A member given twice: the reader stops at it inside a typed object (<c>$.amount</c>) but at the enclosing object
    /// when that object is free-form JSON (<c>$.events[0]</c>, an analytics event), so the member is added in that case.
    /// </summary>
    private static string PathOfDuplicate(string path, string member) =>
        path.EndsWith("." + member, StringComparison.OrdinalIgnoreCase) || path.EndsWith($"['{member}']", StringComparison.OrdinalIgnoreCase)
            ? path
            : $"{path}.{member}";

    [GeneratedRegex("^Duplicate property '([^']*)' encountered")]
    private static partial Regex DuplicateMember();

    /// <summary>Minimal APIs' message: <c>Failed to bind parameter "DateOnly? from" from "2026-12-06T00:30:00 02:00".</c></summary>
    /// <summary>Minimal APIs' words for an empty body name the handler's parameter and suggest "a Service": not the caller's
    /// concern.</summary>
    [GeneratedRegex("""^(Implicit body inferred for parameter "[^"]*" but no body was provided|Required parameter "[^"]*" was not provided from body)""")]
    private static partial Regex MissingBody();

    [GeneratedRegex("""^Failed to bind parameter "(?<type>[^ "]+) (?<name>[^ "]+)" from "(?<value>.*)"\.$""", RegexOptions.Singleline)]
    private static partial Regex BindingFailure();

    /// <summary><c>$.lines[2].price</c> → <c>lines[2].price</c>; the root is <c>body</c>.</summary>
    private static string FieldOf(string path) => path == "$" ? "body" : path.TrimStart('$').TrimStart('.');
}
