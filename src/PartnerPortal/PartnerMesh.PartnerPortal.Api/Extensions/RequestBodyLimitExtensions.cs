using Microsoft.AspNetCore.Mvc;

namespace PartnerMesh.PartnerPortal.Api.Extensions;

public static class RequestBodyLimitExtensions
{
    /// <summary>
    /// Rejects a declared oversized body with a 413 problem before anything reads it. Kestrel's
    /// <c>MaxRequestBodySize</c> also stops chunked bodies, but only on Kestrel; this check holds on every server.
    /// </summary>
    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder app, long maxBytes) =>
        app.Use(async (context, next) =>
        {
            if (context.Request.ContentLength > maxBytes)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails = new ProblemDetails
                    {
                        Status = StatusCodes.Status413PayloadTooLarge,
                        Title = "Request body too large",
                        Detail = $"Request bodies are limited to {maxBytes} bytes.",
                    },
                });
                return;
            }

            await next(context);
        });
}
