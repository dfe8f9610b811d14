using PartnerMesh.Coupons.Api.Extensions;
using PartnerMesh.Coupons.Api.Infrastructure;
using PartnerMesh.Coupons.Api.Partners;
using PartnerMesh.Coupons.Api.Status;
using PartnerMesh.Outbox;
using PartnerMesh.ServiceDefaults.Security;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceAuthentication();
builder.AddApplicationServices();

var app = builder.Build();
if (await app.RunMigrationsIfRequestedAsync<CouponsDbContext>(args))
{
    return;
}

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();
app.MapDefaultEndpoints();
app.MapOpenApi().AllowAnonymous();
app.MapPartnerEndpoints();
app.MapStatusEndpoints();
app.Run();
