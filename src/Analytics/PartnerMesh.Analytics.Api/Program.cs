using PartnerMesh.Analytics.Api.Campaigns;
using PartnerMesh.Analytics.Api.Extensions;
using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.Analytics.Api.Kpis;
using PartnerMesh.Analytics.Api.Reporting;
using PartnerMesh.Analytics.Api.Scorecards;
using PartnerMesh.Analytics.Api.Segments;
using PartnerMesh.Data;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.ServiceDefaults.WebApi;

if (await MigrationCommand.RunIfRequestedAsync<AnalyticsDbContext>(args, ResourceNames.AnalyticsDb))
{
    return;
}

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
// Event batches are larger than commands: up to 1 MiB (the gateway's limit too); 10 MB gets 413.
builder.AddWebApiDefaults(maxRequestBodyBytes: WebApiOptions.BatchMaxRequestBodyBytes);
builder.AddServiceAuthentication(ResourceNames.AnalyticsApi);
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
app.MapKpiEndpoints();
app.MapIngestionEndpoints();
app.MapReportingEndpoints();
app.MapSegmentEndpoints();
app.MapScorecardEndpoints();
app.MapCampaignEndpoints();
app.MapCalendarEndpoints();
app.Run();
