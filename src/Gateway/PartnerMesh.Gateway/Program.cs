using PartnerMesh.Data;
using PartnerMesh.Gateway.ApiKeys;
using PartnerMesh.Gateway.Commands;
using PartnerMesh.Gateway.Extensions;
using PartnerMesh.Gateway.Infrastructure;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddWebApiDefaults();
builder.AddApplicationServices();

var app = builder.Build();
var ranHostCommand = await app.RunHostCommandIfRequestedAsync<GatewayDbContext>(args);
if (await app.RunApiKeyCommandIfRequestedAsync(args) || ranHostCommand) return;

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
