using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace PartnerMesh.PartnerPortal.Api.Portal;

/// <summary>The portal's own problems, and reading other services' problems for a page.</summary>
public static class PortalProblems
{
    public const string AntiforgeryHeader = "RequestVerificationToken";

    /// <summary>A page's form posted without a valid antiforgery token (typically a page left open past its session).</summary>
    public static ProblemHttpResult FormExpired() =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid form", detail: "The form expired; reload the page.");

    public const string PartnerNotActiveDetail =
        "Your partner account is suspended or not active yet, so the portal is closed to it. Contact the partner program's manager.";

    /// <summary>
    /// A BFF call that changes something, sent without the antiforgery token of a portal page, or with one that is not
    /// this session's (expired, or issued to another session or before sign-in).
    /// </summary>
    public static ProblemHttpResult AntiforgeryRefused(HttpContext httpContext) =>
        string.IsNullOrEmpty(httpContext.Request.Headers[AntiforgeryHeader])
            ? TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Antiforgery token missing",
                detail: $"Send the antiforgery token of a portal page (its __RequestVerificationToken field) in the {AntiforgeryHeader} header.")
            : TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Antiforgery token invalid",
                detail: $"The {AntiforgeryHeader} header holds no token of this session's portal pages (it expired, or was issued to another session or before sign-in). Reload the page and send its token.");

    /// <summary>A session whose partner was suspended (or is not active yet): the session has ended.</summary>
    public static ProblemHttpResult PartnerNotActive() =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Partner not active", detail: PartnerNotActiveDetail);

    /// <summary>
    /// What a 400 problem from a service says, for a page to list: each field's messages, else its detail, else
    /// <paramref name="fallback"/> (an answer that is no problem document).
    /// </summary>
    public static List<(string? Field, string Message)> Messages(string body, string fallback)
    {
        var messages = new List<(string? Field, string Message)>();
        try
        {
            using var problem = JsonDocument.Parse(body);
            if (problem.RootElement.ValueKind != JsonValueKind.Object)
            {
                return [(null, fallback)];
            }

            if (problem.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in errors.EnumerateObject().Where(field => field.Value.ValueKind == JsonValueKind.Array))
                {
                    messages.AddRange(field.Value.EnumerateArray()
                        .Where(message => message.ValueKind == JsonValueKind.String)
                        .Select(message => ((string?)field.Name, message.GetString()!)));
                }
            }
            else if (problem.RootElement.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String)
            {
                messages.Add((null, detail.GetString()!));
            }
        }
        catch (JsonException)
        {
            // Not a problem document: the page says what to check in general words.
        }

        return messages.Count > 0 ? messages : [(null, fallback)];
    }
}
