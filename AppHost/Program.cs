using Microsoft.Extensions.Configuration;
using PartnerMesh.AppHost;
using PartnerMesh.ServiceDefaults;

// Podman and the locally built images (scripts/infra.sh), when this shell has not exported them.
ContainerEngineSettings.ApplyFromInfrastructureState();
UserSecretsPermissions.Restrict();

var builder = DistributedApplication.CreateBuilder(args);

// Infrastructure: containers with data volumes, or existing servers when ConnectionStrings:<name> is configured.
var postgres = builder.AddPartnerMeshPostgres(ResourceNames.Postgres);
var messaging = builder.AddPartnerMeshRabbitMQ(ResourceNames.Messaging);
var redis = builder.AddPartnerMeshRedis(ResourceNames.Redis);
var tokenKeys = new ServiceTokenKeyring(builder);
var quoteSigningKey = builder.AddSecretKey("promotions-quote-signing-key");
var surveyLinkSigningKey = builder.AddSecretKey("surveys-email-link-signing-key");
var portalDataProtectionKey = builder.AddSecretKey("portal-data-protection-key");

var attribution = builder.AddService<Projects.PartnerMesh_Attribution_Api>(ResourceNames.AttributionApi, portOffset: 1,
        postgres.AddDatabase(ResourceNames.AttributionDb), tokenKeys, messaging, redis);

var couponsDb = postgres.AddDatabase(ResourceNames.CouponsDb);
var coupons = builder.AddService<Projects.PartnerMesh_Coupons_Api>(ResourceNames.CouponsApi, portOffset: 3,
        couponsDb, tokenKeys, messaging, redis); // redis: the shared contact-frequency record

// PartnerMesh:CouponsInstances=2 runs a second coupons instance behind the gateway (the end-to-end tests do: limits must
// hold across instances). Port offset 0 is the one the services' block leaves free.
var secondCoupons = builder.Configuration.GetValue("PartnerMesh:CouponsInstances", 1) > 1
    ? builder.AddSecondInstance<Projects.PartnerMesh_Coupons_Api>(coupons, portOffset: 0, couponsDb, tokenKeys, messaging, redis)
    : null;

var promotions = builder.AddService<Projects.PartnerMesh_Promotions_Api>(ResourceNames.PromotionsApi, portOffset: 2,
        postgres.AddDatabase(ResourceNames.PromotionsDb), tokenKeys, messaging, redis)
    .WithEnvironment("Promotions__QuoteSigningKey", quoteSigningKey)
    .WithReference(coupons) // evaluation asks coupons about codes no promotion lists (docs/promotions.md)
    .WithReference(attribution); // ... and attribution whose traffic a click id is, for partner-targeted promotions

// Surveys and analytics cut the partner's survey weeks in one zone, or the two reports disagree about a week's answers.
var reportingTimeZone = builder.Configuration["PartnerMesh:ReportingTimeZone"] is { Length: > 0 } zone ? zone : "UTC";

var surveys = builder.AddService<Projects.PartnerMesh_Surveys_Api>(ResourceNames.SurveysApi, portOffset: 4,
        postgres.AddDatabase(ResourceNames.SurveysDb), tokenKeys, messaging, redis)
    .WithEnvironment("Surveys__EmailLinkSigningKey", surveyLinkSigningKey)
    .WithEnvironment("Surveys__ReportingTimeZone", reportingTimeZone);

var analytics = builder.AddService<Projects.PartnerMesh_Analytics_Api>(ResourceNames.AnalyticsApi, portOffset: 5,
        postgres.AddDatabase(ResourceNames.AnalyticsDb), tokenKeys, messaging)
    .WithEnvironment("Analytics__ReportingTimeZone", reportingTimeZone);

var partnerPortal = builder.AddService<Projects.PartnerMesh_PartnerPortal_Api>(ResourceNames.PartnerPortalApi, portOffset: 6,
        postgres.AddDatabase(ResourceNames.PortalDb), tokenKeys, messaging)
    .WithEnvironment("PartnerPortal__DataProtectionKey", portalDataProtectionKey)
    .WithReference(analytics)
    .WithReference(attribution) // the earnings, links and agreements pages read the partner's own as that partner
    .WithReference(promotions) // the experiments page reads the partner's experiments as that partner
    .WithReference(surveys); // the survey insights page reads surveys' partner insights as the partner

// Like eShop's web app, the gateway references the services without waiting for them: a route to a service that is
// not up yet answers 503 with Retry-After, and the gateway starts alongside the services instead of after them.
var gateway = builder.AddService<Projects.PartnerMesh_Gateway>(ResourceNames.Gateway, portOffset: 7,
        postgres.AddDatabase(ResourceNames.GatewayDb), tokenKeys, redis)
    .WithPublicHttpEndpoint()
    .WithTrustedProxyNetworks()
    .WithReference(attribution).WithReference(promotions).WithReference(coupons)
    .WithReference(surveys).WithReference(analytics).WithReference(partnerPortal)
    .WithAdminKeys();
if (secondCoupons is not null)
{
    gateway.WithSecondInstance(coupons, secondCoupons);
}

builder.AddStorefrontSimulator(gateway, attribution, promotions, coupons, surveys, analytics);

builder.Build().Run();
