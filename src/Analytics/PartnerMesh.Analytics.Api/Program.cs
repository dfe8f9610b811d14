using PartnerMesh.Analytics.Api.Extensions;
using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.Analytics.Api.Kpis;
using PartnerMesh.Outbox;
using PartnerMesh.ServiceDefaults.Security;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceAuthentication();
builder.AddApplicationServices();

var app = builder.Build();
if (await app.RunMigrationsIfRequestedAsync<AnalyticsDbContext>(args))
{
    return;
}

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();
app.MapDefaultEndpoints();
app.MapOpenApi().AllowAnonymous();
app.MapKpiEndpoints();
app.Run();
