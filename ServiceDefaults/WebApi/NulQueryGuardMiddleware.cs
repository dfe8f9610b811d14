using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace PartnerMesh.ServiceDefaults.WebApi;

/// <summary>
/// Refuses a query string holding a NUL (<c>%00</c>) with a 400 problem before any handler: the value would reach
/// PostgreSQL, which refuses NUL in text. The query-string half of <see cref="WebApiOptions.RejectNulInJsonBodies"/>;
/// an endpoint marked <see cref="CleansQueryText"/> gets such a query and cleans it itself.
/// </summary>
internal sealed class NulQueryGuardMiddleware(RequestDelegate next, IOptions<WebApiOptions> options)
{
    public async Task InvokeAsync(HttpContext context, IProblemDetailsService problemDetails)
    {
        if (options.Value.RejectNulInJsonBodies && context.Request.QueryString.Value?.Contains("%00", StringComparison.Ordinal) == true
            && context.GetEndpoint()?.Metadata.GetMetadata<CleansQueryText>() is null)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await problemDetails.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails { Status = StatusCodes.Status400BadRequest, Title = "Bad Request", Detail = WebApiOptions.NulCharacterDetail },
            });
            return;
        }

        await next(context);
    }
}
