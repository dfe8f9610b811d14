using PartnerMesh.Data;
using PartnerMesh.PartnerDirectory;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Surveys.Api.Decisions;
using PartnerMesh.Surveys.Api.Definitions;
using PartnerMesh.Surveys.Api.EmailLinks;
using PartnerMesh.Surveys.Api.Extensions;
using PartnerMesh.Surveys.Api.Infrastructure;
using PartnerMesh.Surveys.Api.Insights;
using PartnerMesh.Surveys.Api.Responses;

if (await MigrationCommand.RunIfRequestedAsync<SurveysDbContext>(args, ResourceNames.SurveysDb))
{
    return;
}

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddWebApiDefaults();
builder.AddServiceAuthentication(ResourceNames.SurveysApi);
builder.AddApplicationServices();

var app = builder.Build();
if (await app.RunHostCommandIfRequestedAsync(args))
{
    return;
}

app.UseWebApiDefaults();
app.UseAuthentication();
app.UseAuthorization();
app.MapDefaultEndpoints();
app.MapPartnerDirectoryEndpoints("/api/surveys");
app.MapServiceStatusEndpoints("/api/surveys", ResourceNames.SurveysApi);
app.MapSurveyEndpoints();
app.MapDecisionEndpoints();
app.MapResponseEndpoints();
app.MapEmailLinkEndpoints();
app.MapInsightsEndpoints();
app.Run();
