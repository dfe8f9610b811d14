using PartnerMesh.Gateway.ApiKeys;
using PartnerMesh.Gateway.Commands;
using PartnerMesh.Gateway.Extensions;
using PartnerMesh.Gateway.Infrastructure;
using PartnerMesh.Outbox;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApiKeyCommands(args);
builder.AddApplicationServices();

var app = builder.Build();
var migrated = await app.RunMigrationsIfRequestedAsync<GatewayDbContext>(args);
if (await app.RunApiKeyCommandIfRequestedAsync(args) || migrated) return;

app.UseRequestTracking();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRequestBodyLimit();
app.UseAuthentication();
app.UseAuthorization();
app.UseUnmatchedApiAuthorization();
app.UseGatewayRateLimiting();
app.MapDefaultEndpoints();
app.MapOpenApi().AllowAnonymous();
app.MapApiKeyEndpoints();
app.MapGatewayProxy();
app.Run();
