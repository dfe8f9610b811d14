using System.Data.Common;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace PartnerMesh.ServiceDefaults.WebApi;

/// <summary>
/// The status of an unhandled exception: bad input keeps its 4xx (malformed JSON, oversized bodies); a store that cannot
/// be reached right now (a transient database failure, a timeout, a refused connection) is a 503, not a 500, so callers
/// and their retry policies know to come back; so is a request that arrives while the service shuts down.
/// </summary>
public static class ExceptionStatusCodes
{
    /// <summary>PostgreSQL's "invalid byte sequence" (a NUL character in text): the input's fault, wherever it came from
    /// (a query string, a header), and nothing was written.</summary>
    public const string UnstorableText = "22021";

    public static int For(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case BadHttpRequestException badRequest:
                    return badRequest.StatusCode;
                case NotSupportedException when UnreadableJsonBody.Detail(current) is not null:
                    return StatusCodes.Status400BadRequest;
                case DbException { SqlState: UnstorableText }:
                    return StatusCodes.Status400BadRequest;
                case DbException { IsTransient: true } or TimeoutException or SocketException or ServiceStoppingException:
                    return StatusCodes.Status503ServiceUnavailable;
            }
        }

        return StatusCodes.Status500InternalServerError;
    }

    public static bool IsUnstorableText(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is DbException { SqlState: UnstorableText })
            {
                return true;
            }
        }

        return false;
    }
}
