using PartnerMesh.Data;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Surveys.Api.Extensions;
using PartnerMesh.Surveys.Api.Infrastructure;
using PartnerMesh.Surveys.Api.Partners;
using PartnerMesh.Surveys.Api.Status;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddWebApiDefaults();
builder.AddServiceAuthentication();
builder.AddApplicationServices();

var app = builder.Build();
if (await app.RunMigrationsIfRequestedAsync<SurveysDbContext>(args))
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
