using Microsoft.AspNetCore.Http;

namespace PartnerMesh.ServiceDefaults.WebApi;

/// <summary>
/// Refuses a <c>?limit=</c> that is not written in plain ASCII digits (<c>limit= 5</c>, <c>limit=+5</c>, <c>limit=05</c>)
/// with the 400 a bad limit gets (<see cref="Paging.ValidateLimit"/>), before any handler: minimal APIs bind an
/// <c>int?</c> with the invariant culture's integer rules, which take a sign, surrounding spaces and leading zeros, so every
/// cursor list of every service read those as 5. One check here keeps the lists alike.
/// </summary>
internal sealed class LimitQueryMiddleware(RequestDelegate next)
{
    public const string Detail = "limit must be written in plain digits: no sign, spaces or leading zeros.";

    public async Task InvokeAsync(HttpContext context, IProblemDetailsService problemDetails)
    {
        if (context.Request.Query.TryGetValue("limit", out var values) && values.Count == 1 && values[0] is { Length: > 0 } limit
            && !IsPlainNumber(limit))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await problemDetails.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new HttpValidationProblemDetails(new Dictionary<string, string[]> { ["limit"] = [Detail] })
                {
                    Status = StatusCodes.Status400BadRequest, Title = "Bad Request",
                },
            });
            return;
        }

        await next(context);
    }

    /// <summary>ASCII digits only, without a leading zero (0 itself passes, to be refused as out of range).</summary>
    public static bool IsPlainNumber(string value) =>
        value.All(char.IsAsciiDigit) && (value.Length == 1 || value[0] != '0');
}
