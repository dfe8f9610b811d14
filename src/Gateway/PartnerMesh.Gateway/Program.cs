using PartnerMesh.Data;
using PartnerMesh.Gateway.ApiKeys;
using PartnerMesh.Gateway.Commands;
using PartnerMesh.Gateway.Extensions;
using PartnerMesh.Gateway.Infrastructure;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddWebApiDefaults();
builder.AddApiKeyCommands(args);
builder.AddApplicationServices();

var app = builder.Build();
var migrated = await app.RunMigrationsIfRequestedAsync<GatewayDbContext>(args);
if (await app.RunApiKeyCommandIfRequestedAsync(args) || migrated) return;

app.UseRequestTracking();
app.UseWebApiDefaults();
app.UseAuthentication();
app.UseAuthorization();
app.UseUnmatchedApiAuthorization();
app.UseGatewayRateLimiting();
app.MapDefaultEndpoints();
app.MapApiKeyEndpoints();
app.MapGatewayProxy();
app.Run();
