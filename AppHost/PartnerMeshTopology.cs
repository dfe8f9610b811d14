using PartnerMesh.AppHost.Hosting;
using PartnerMesh.ServiceDefaults;

namespace PartnerMesh.AppHost;

/// <summary>
/// The whole system in one place, as eShop's AppHost declares it: infrastructure first, then each service with what it
/// references and waits for, then the gateway. <c>Program.cs</c> and the end-to-end tests both call <see cref="Configure"/>.
/// </summary>
public static class PartnerMeshTopology
{
    public const string StorefrontSimulator = "storefront-simulator";
    private const string StorefrontSimulatorPath = "tools/PartnerMesh.StorefrontSimulator";
    private const string Health = "/health";

    public static void Configure(DistributedApplicationBuilder builder)
    {
        var signingKey = builder.AddParameter("service-identity-signing-key", DistributedApplicationBuilder.GenerateKey);

        var postgres = builder.AddPostgres(ResourceNames.Postgres, port: 25432).WithDataVolume();
        var messaging = builder.AddRabbitMQ(ResourceNames.Messaging, port: 25672).WithManagementPlugin(port: 25673).WithDataVolume();
        var redis = builder.AddRedis(ResourceNames.Redis, port: 26379).WithDataVolume();

        var attributionDb = postgres.AddDatabase(ResourceNames.AttributionDb);
        var promotionsDb = postgres.AddDatabase(ResourceNames.PromotionsDb);
        var couponsDb = postgres.AddDatabase(ResourceNames.CouponsDb);
        var surveysDb = postgres.AddDatabase(ResourceNames.SurveysDb);
        var analyticsDb = postgres.AddDatabase(ResourceNames.AnalyticsDb);
        var portalDb = postgres.AddDatabase(ResourceNames.PortalDb);
        var gatewayDb = postgres.AddDatabase(ResourceNames.GatewayDb);

        var attribution = builder.AddProject(ResourceNames.AttributionApi, "src/Attribution/PartnerMesh.Attribution.Api", port: 5101)
            .WithReference(attributionDb).WaitFor(attributionDb)
            .WithReference(messaging).WaitFor(messaging)
            .WithReference(redis).WaitFor(redis)
            .WithEnvironment("ServiceIdentity__SigningKey", signingKey)
            .WithMigrations().WithHttpHealthCheck(Health);

        var promotions = builder.AddProject(ResourceNames.PromotionsApi, "src/Promotions/PartnerMesh.Promotions.Api", port: 5102)
            .WithReference(promotionsDb).WaitFor(promotionsDb)
            .WithReference(messaging).WaitFor(messaging)
            .WithEnvironment("ServiceIdentity__SigningKey", signingKey)
            .WithMigrations().WithHttpHealthCheck(Health);

        var coupons = builder.AddProject(ResourceNames.CouponsApi, "src/Coupons/PartnerMesh.Coupons.Api", port: 5103)
            .WithReference(couponsDb).WaitFor(couponsDb)
            .WithReference(messaging).WaitFor(messaging)
            .WithEnvironment("ServiceIdentity__SigningKey", signingKey)
            .WithMigrations().WithHttpHealthCheck(Health);

        var surveys = builder.AddProject(ResourceNames.SurveysApi, "src/Surveys/PartnerMesh.Surveys.Api", port: 5104)
            .WithReference(surveysDb).WaitFor(surveysDb)
            .WithReference(messaging).WaitFor(messaging)
            .WithEnvironment("ServiceIdentity__SigningKey", signingKey)
            .WithMigrations().WithHttpHealthCheck(Health);

        var analytics = builder.AddProject(ResourceNames.AnalyticsApi, "src/Analytics/PartnerMesh.Analytics.Api", port: 5105)
            .WithReference(analyticsDb).WaitFor(analyticsDb)
            .WithReference(messaging).WaitFor(messaging)
            .WithEnvironment("ServiceIdentity__SigningKey", signingKey)
            .WithMigrations().WithHttpHealthCheck(Health);

        var partnerPortal = builder.AddProject(ResourceNames.PartnerPortalApi, "src/PartnerPortal/PartnerMesh.PartnerPortal.Api", port: 5106)
            .WithReference(portalDb).WaitFor(portalDb)
            .WithReference(messaging).WaitFor(messaging)
            .WithReference(analytics)
            .WithEnvironment("ServiceIdentity__SigningKey", signingKey)
            .WithMigrations().WithHttpHealthCheck(Health);

        // Like eShop's web app, the gateway references the services without waiting for them: a route to a service that
        // is not up yet answers an error problem, and starting the gateway alongside the services saves seconds.
        var gateway = builder.AddProject(ResourceNames.Gateway, "src/Gateway/PartnerMesh.Gateway", port: 8080)
            .WithReference(gatewayDb).WaitFor(gatewayDb)
            .WithReference(redis).WaitFor(redis)
            .WithReference(attribution).WithReference(promotions).WithReference(coupons)
            .WithReference(surveys).WithReference(analytics).WithReference(partnerPortal)
            .WithEnvironment("ServiceIdentity__SigningKey", signingKey)
            .WithMigrations().WithHttpHealthCheck(Health)
            .WithAdminKeyBootstrap();

        if (builder.Options.Demo)
        {
            AddStorefrontSimulator(builder, gateway);
        }
    }

    /// <summary><c>--demo</c>: live storefront traffic through the gateway, when the simulator is built.</summary>
    private static void AddStorefrontSimulator(DistributedApplicationBuilder builder, IResourceBuilder<ProjectResource> gateway)
    {
        if (!builder.IsProjectBuilt(StorefrontSimulatorPath))
        {
            builder.Notes.Add($"--demo: {StorefrontSimulatorPath} is not built, so there is no demo traffic this run.");
            return;
        }

        var simulator = builder.AddProject(StorefrontSimulator, StorefrontSimulatorPath)
            .WithReference(gateway)
            .WithArgs(() => ["--gateway", gateway.Resource.HttpUrl!.ToString().TrimEnd('/'), "--rate", "4"])
            .WithAdminApiKey(gateway, "PARTNERMESH_ADMIN_KEY");
        foreach (var service in builder.Resources.OfType<ProjectResource>().Where(p => p.HttpUrl is not null && p != gateway.Resource))
        {
            // its traffic crosses every service: no point in starting before they answer
            simulator.Resource.WaitsFor.Add(service);
        }
    }
}
