using PartnerMesh.Data;
using PartnerMesh.Promotions.Api.Extensions;
using PartnerMesh.Promotions.Api.Infrastructure;
using PartnerMesh.Promotions.Api.Partners;
using PartnerMesh.Promotions.Api.Status;
using PartnerMesh.ServiceDefaults.Security;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddWebApiDefaults();
builder.AddServiceAuthentication();
builder.AddApplicationServices();

var app = builder.Build();
if (await app.RunMigrationsIfRequestedAsync<PromotionsDbContext>(args))
{
    return;
}

app.UseWebApiDefaults();
app.UseAuthentication();
app.UseAuthorization();
app.MapDefaultEndpoints();
app.MapPartnerEndpoints();
app.MapStatusEndpoints();
app.Run();
