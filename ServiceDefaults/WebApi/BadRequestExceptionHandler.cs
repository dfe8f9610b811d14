using System.Text.Json;
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
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, detail) = exception switch
        {
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
            : UnreadableJsonBody.Path(exception) is { } typePath
                ? new HttpValidationProblemDetails(new Dictionary<string, string[]> { [FieldOf(typePath)] = [detail!] }) { Detail = detail }
                : new ProblemDetails { Detail = detail };
        problem.Status = status;
        problem.Title = status == StatusCodes.Status413PayloadTooLarge ? RequestBodyLimitMiddleware.TooLargeTitle : "Bad request";
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
        var field = FieldOf(path);
        var message = json.Message switch
        {
            var text when text.StartsWith("The JSON value could not be converted", StringComparison.Ordinal) =>
                $"'{field}' has the wrong type, or a value out of range for it.",
            var text when text.Contains("could not be mapped to any .NET member", StringComparison.Ordinal) =>
                $"'{field}' is not a property of this request.",
            var text when text.Contains("type discriminator", StringComparison.Ordinal) =>
                $"'{field}' names a type this operation does not know.",
            _ => $"The JSON is malformed at '{field}'{(json.LineNumber is { } line ? $" (line {line + 1}, byte {json.BytePositionInLine + 1})" : "")}.",
        };
        return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Detail = $"The request body could not be read: {message}",
        };
    }

    /// <summary><c>$.lines[2].price</c> → <c>lines[2].price</c>; the root is <c>body</c>.</summary>
    private static string FieldOf(string path) => path == "$" ? "body" : path.TrimStart('$').TrimStart('.');
}
