using PartnerMesh.Attribution.Api.Clicks;
using PartnerMesh.Attribution.Api.Conversions;
using PartnerMesh.Attribution.Api.Extensions;
using PartnerMesh.Attribution.Api.Infrastructure;
using PartnerMesh.Attribution.Api.Leads;
using PartnerMesh.Attribution.Api.Links;
using PartnerMesh.Attribution.Api.Partners;
using PartnerMesh.Attribution.Api.Payouts;
using PartnerMesh.Attribution.Api.Programs;
using PartnerMesh.Data;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.ServiceDefaults.Security;

if (await MigrationCommand.RunIfRequestedAsync<AttributionDbContext>(args, ResourceNames.AttributionDb))
{
    return;
}

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddWebApiDefaults();
builder.AddServiceAuthentication(ResourceNames.AttributionApi);
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
app.MapPartnerEndpoints();
app.MapLinkEndpoints();
app.MapRedirectEndpoints();
app.MapConversionEndpoints();
app.MapLeadEndpoints();
app.MapProgramEndpoints();
app.MapClickEndpoints();
app.MapCommissionEndpoints();
app.Run();
