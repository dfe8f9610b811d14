using PartnerMesh.Coupons.Api.Campaigns;
using PartnerMesh.Coupons.Api.Checkout;
using PartnerMesh.Coupons.Api.Extensions;
using PartnerMesh.Coupons.Api.Generation;
using PartnerMesh.Coupons.Api.Offers;
using PartnerMesh.Coupons.Api.Infrastructure;
using PartnerMesh.Data;
using PartnerMesh.PartnerDirectory;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.ServiceDefaults.Security;

if (await MigrationCommand.RunIfRequestedAsync<CouponsDbContext>(args, ResourceNames.CouponsDb))
{
    return;
}

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddWebApiDefaults();
builder.AddServiceAuthentication(ResourceNames.CouponsApi);
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
app.MapPartnerDirectoryEndpoints("/api/coupons");
app.MapServiceStatusEndpoints("/api/coupons", ResourceNames.CouponsApi);
app.MapCampaignEndpoints();
app.MapCheckoutEndpoints();
app.MapGenerationEndpoints();
app.MapOfferEndpoints();
app.Run();
