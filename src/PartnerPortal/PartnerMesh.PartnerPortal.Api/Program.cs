using PartnerMesh.Outbox;
using PartnerMesh.PartnerPortal.Api.Accounts;
using PartnerMesh.PartnerPortal.Api.Extensions;
using PartnerMesh.PartnerPortal.Api.Infrastructure;
using PartnerMesh.PartnerPortal.Api.Portal;
using PartnerMesh.ServiceDefaults.Security;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceAuthentication();
builder.AddApplicationServices();

var app = builder.Build();
if (await app.RunMigrationsIfRequestedAsync<PortalDbContext>(args))
{
    return;
}

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRequestBodyLimit(HostingExtensions.MaxRequestBodyBytes);
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();
app.MapDefaultEndpoints();
app.MapOpenApi().AllowAnonymous();
app.MapAccountEndpoints();
app.MapPortalEndpoints();
app.MapBffEndpoints();
app.Run();
