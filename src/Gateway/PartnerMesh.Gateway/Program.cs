using PartnerMesh.Data;
using PartnerMesh.Gateway.ApiKeys;
using PartnerMesh.Gateway.Commands;
using PartnerMesh.Gateway.Extensions;
using PartnerMesh.Gateway.Infrastructure;
using PartnerMesh.Gateway.OpenApi;
using PartnerMesh.ServiceDefaults;

if (await MigrationCommand.RunIfRequestedAsync<GatewayDbContext>(args, ResourceNames.GatewayDb))
{
    return;
}

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddWebApiDefaults();
builder.AddApplicationServices();

var app = builder.Build();
if (await app.RunApiKeyCommandIfRequestedAsync(args))
{
    return;
}

app.UseRequestTracking();
app.UseRequestTargetLimits();
app.UseWebApiDefaults();
app.UseAuthentication();
app.UseAuthorization();
app.UseUnmatchedApiAuthorization();
app.UseGatewayRateLimiting();
app.MapDefaultEndpoints();
app.MapApiKeyEndpoints();
app.MapPublicApiDocument();
app.MapGatewayProxy();
app.Run();
