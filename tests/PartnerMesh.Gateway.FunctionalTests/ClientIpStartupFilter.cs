using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace PartnerMesh.Gateway.FunctionalTests;

/// <summary>The in-memory test server has no client address; give each factory its own, as Kestrel would.</summary>
internal sealed class ClientIpStartupFilter(IPAddress clientIp) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            context.Connection.RemoteIpAddress ??= clientIp;
            return nextMiddleware(context);
        });
        next(app);
    };
}
