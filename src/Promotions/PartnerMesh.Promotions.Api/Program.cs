using PartnerMesh.Data;
using PartnerMesh.PartnerDirectory;
using PartnerMesh.Promotions.Api.Audit;
using PartnerMesh.Promotions.Api.Budgets;
using PartnerMesh.Promotions.Api.Definitions;
using PartnerMesh.Promotions.Api.EvaluationLog;
using PartnerMesh.Promotions.Api.Evaluations;
using PartnerMesh.Promotions.Api.Experiments;
using PartnerMesh.Promotions.Api.Orders;
using PartnerMesh.Promotions.Api.ProductPages;
using PartnerMesh.Promotions.Api.RuleSets;
using PartnerMesh.Promotions.Api.Extensions;
using PartnerMesh.Promotions.Api.Infrastructure;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.ServiceDefaults.Security;

if (await MigrationCommand.RunIfRequestedAsync<PromotionsDbContext>(args, ResourceNames.PromotionsDb))
{
    return;
}

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddWebApiDefaults();
builder.AddServiceAuthentication(ResourceNames.PromotionsApi);
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
app.MapPartnerDirectoryEndpoints("/api/promotions");
app.MapServiceStatusEndpoints("/api/promotions", ResourceNames.PromotionsApi);
app.MapPromotionEndpoints();
app.MapBudgetUsageEndpoints();
app.MapEvaluationEndpoints();
app.MapOrderEndpoints();
app.MapSettingsEndpoints();
app.MapExperimentEndpoints();
app.MapPartnerExperimentEndpoints();
app.MapAuditEndpoints();
app.MapProductPageEndpoints();
app.MapEvaluationLogEndpoints();
app.Run();
