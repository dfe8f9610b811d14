using PartnerMesh.Data;
using PartnerMesh.PartnerPortal.Api.Accounts;
using PartnerMesh.PartnerPortal.Api.Analytics;
using PartnerMesh.PartnerPortal.Api.Attribution;
using PartnerMesh.PartnerPortal.Api.Experiments;
using PartnerMesh.PartnerPortal.Api.Extensions;
using PartnerMesh.PartnerPortal.Api.Infrastructure;
using PartnerMesh.PartnerPortal.Api.Portal;
using PartnerMesh.PartnerPortal.Api.SignInSecurity;
using PartnerMesh.PartnerPortal.Api.Surveys;
using PartnerMesh.PartnerPortal.Api.Webhooks;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.ServiceDefaults.Security;

if (await MigrationCommand.RunIfRequestedAsync<PortalDbContext>(args, ResourceNames.PortalDb))
{
    return;
}

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddWebApiDefaults();
builder.AddServiceAuthentication(ResourceNames.PartnerPortalApi);
builder.AddApplicationServices();

var app = builder.Build();
if (await app.RunHostCommandIfRequestedAsync(args))
{
    return;
}

app.UseMiddleware<PortalCallHeadersMiddleware>();
app.UseWebApiDefaults();
app.UseAuthentication();
app.UseMiddleware<UnmatchedPortalPathMiddleware>();
app.UseAuthorization();
app.UseAntiforgery();
app.MapDefaultEndpoints();
app.MapAccountEndpoints();
app.MapPortalEndpoints();
app.MapExperimentPages();
app.MapBffEndpoints();
app.MapPartnerAnalyticsEndpoints();
app.MapPartnerAttributionEndpoints();
app.MapSurveyInsightsEndpoints();
app.MapWebhookEndpoints();
app.MapPartnerWebhookEndpoints();
app.MapSecurityAuditEndpoints();
app.Run();
