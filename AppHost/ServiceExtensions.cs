using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using PartnerMesh.ServiceDefaults;

namespace PartnerMesh.AppHost;

internal static class ServiceExtensions
{
    private const string HealthPath = "/health";
    private const string ApiReferencePath = "/scalar/v1";

    /// <summary>
    /// A PartnerMesh service: its migrator (<c>&lt;name&gt;-migrations</c>, the same binary with <c>--migrate</c>) runs to
    /// completion first, then the service starts with its database, its service-token keys (the public keys it trusts,
    /// and its own signing key if it mints tokens) and the infrastructure it needs, and is healthy when <c>/health</c> answers 200.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Nothing waits for a container's health check: Aspire polls an unhealthy resource after 1, 2, 3, 4, 5 s, and on
    /// this two-core machine those waits held the start back by up to 2 s per step (docs/measurements.md). The migrator
    /// connects as soon as PostgreSQL accepts connections (it retries, <c>MigrationCommand</c>); a service starts when
    /// its migrator has finished, so its database is there, and reaches RabbitMQ and Redis once they answer — its
    /// <c>/health</c> (the bus, Redis) stays unhealthy until then, as it would after a broker restart.
    /// </para>
    /// <para>
    /// A service listens on its own port (<c>PartnerMesh:PortBase</c> + <paramref name="portOffset"/>), not behind
    /// Aspire's proxy: the proxy keeps accepting connections for a stopped service and holds them, so the gateway would
    /// wait out its timeout instead of answering 503 at once; a fixed port also survives a restart, so the gateway's
    /// service-discovery settings stay true.
    /// </para>
    /// </remarks>
    public static IResourceBuilder<ProjectResource> AddService<TProject>(
        this IDistributedApplicationBuilder builder,
        string name,
        int portOffset,
        IResourceBuilder<IResourceWithConnectionString> database,
        ServiceTokenKeyring tokenKeys,
        params IResourceBuilder<IResourceWithConnectionString>[] infrastructure)
        where TProject : IProjectMetadata, new()
    {
        var service = builder.AddProject<TProject>(name, launchProfileName: null)
            .WithBuiltAssemblyLaunch()
            .WithHttpEndpoint(port: builder.Configuration.GetValue("PartnerMesh:PortBase", 5100) + portOffset, name: "http", isProxied: false)
            .WithDevelopmentEnvironment(builder)
            .WithReference(database);
        tokenKeys.Apply(service, name);

        // The built binary itself, not `dotnet run`: seven project evaluations fewer on the start-up's critical path.
        var projectPath = new TProject().ProjectPath;
        var migrator = builder.AddExecutable($"{name}-migrations", "dotnet", Path.GetDirectoryName(projectPath)!, BuiltProjects.AssemblyPath(projectPath), HostCommands.Migrate)
            .WithDevelopmentEnvironment(builder)
            .WithOtlpExporter()
            .WithReference(database)
            .WithParentRelationship(service); // its database only: `--migrate` runs before the service reads anything else

        foreach (var dependency in infrastructure)
        {
            service.WithReference(dependency);
        }

        return service
            .WithTraceSampling(builder)
            .WaitForCompletion(migrator)
            .WithHttpHealthCheck(HealthPath)
            .WithApiReferenceLink(builder)
            .WithOutboxRedrive(database);
    }

    /// <summary>
    /// DCP starts a project as <c>dotnet run --project … --no-build</c>: an MSBuild evaluation (2–3 s of CPU) and a
    /// wrapper process of ≈ 140 MB that lives as long as the service. <c>dotnet exec</c> on the assembly the build already
    /// put beside the AppHost's starts the service itself (DCP still appends the project path and <c>--configuration</c>,
    /// which the services ignore). The resource stays a project: service discovery, OTLP and the dashboard are unchanged.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithBuiltAssemblyLaunch(this IResourceBuilder<ProjectResource> project) =>
#pragma warning disable ASPIREPROJECTS001 // evaluation API (Aspire 13.6, pinned); without it the service is an executable resource instead
        project.WithAnnotation(new ProjectLaunchArgsOverrideAnnotation(["exec", BuiltProjects.AssemblyPath(project.Resource.GetProjectMetadata().ProjectPath)]));
#pragma warning restore ASPIREPROJECTS001

    /// <summary>
    /// A second instance of <paramref name="first"/> (same binary, database and infrastructure) on its own port, started
    /// once the first is healthy — its migrator has run by then. <see cref="WithSecondInstance"/> puts it behind the gateway.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddSecondInstance<TProject>(
        this IDistributedApplicationBuilder builder,
        IResourceBuilder<ProjectResource> first,
        int portOffset,
        IResourceBuilder<IResourceWithConnectionString> database,
        ServiceTokenKeyring tokenKeys,
        params IResourceBuilder<IResourceWithConnectionString>[] infrastructure)
        where TProject : IProjectMetadata, new()
    {
        var instance = builder.AddProject<TProject>($"{first.Resource.Name}-2", launchProfileName: null)
            .WithBuiltAssemblyLaunch()
            .WithHttpEndpoint(port: builder.Configuration.GetValue("PartnerMesh:PortBase", 5100) + portOffset, name: "http", isProxied: false)
            .WithDevelopmentEnvironment(builder)
            .WithReference(database)
            .WaitFor(first)
            .WithParentRelationship(first);
        tokenKeys.Apply(instance, first.Resource.Name);
        foreach (var dependency in infrastructure)
        {
            instance.WithReference(dependency);
        }

        return instance.WithTraceSampling(builder).WithHttpHealthCheck(HealthPath);
    }

    /// <summary>
    /// Service discovery gives the gateway both instances of <paramref name="service"/> (<c>services:&lt;name&gt;:http:0</c>
    /// from the reference, <c>:1</c> here), and YARP balances between them.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithSecondInstance(
        this IResourceBuilder<ProjectResource> gateway, IResourceBuilder<ProjectResource> service, IResourceBuilder<ProjectResource> secondInstance) =>
        gateway.WithEnvironment($"services__{service.Resource.Name}__http__1", secondInstance.GetEndpoint("http"));

    /// <summary>
    /// The gateway, the one public entry, listening itself on <c>PartnerMesh:GatewayPort</c> (default 8080): the same
    /// address across restarts. Not behind Aspire's proxy: measured with the promotions load benchmark, DCP's proxy let
    /// 250 evaluations/s through with seconds of queueing where the gateway's own port served 1,000/s.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithPublicHttpEndpoint(this IResourceBuilder<ProjectResource> gateway) =>
        gateway.WithEndpoint("http", endpoint =>
        {
            endpoint.IsProxied = false;
            endpoint.Port = gateway.ApplicationBuilder.Configuration.GetValue("PartnerMesh:GatewayPort", 8080);
        });

    /// <summary>
    /// <c>PartnerMesh:GatewayTrustedProxyNetworks</c> (comma-separated CIDR networks, e.g. <c>127.0.0.2/32</c>): the load
    /// balancer or CDN in front of the gateway, whose <c>X-Forwarded-For</c> names the shopper the per-address limits
    /// key on. Unset, no one is trusted. The click benchmark presents many shoppers this way (bench/attribution-clicks.sh).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithTrustedProxyNetworks(this IResourceBuilder<ProjectResource> gateway)
    {
        var networks = gateway.ApplicationBuilder.Configuration["PartnerMesh:GatewayTrustedProxyNetworks"]?
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        for (var index = 0; index < networks.Length; index++)
        {
            gateway.WithEnvironment($"ForwardedHeaders__TrustedProxyNetworks__{index}", networks[index]);
        }

        return gateway;
    }

    /// <summary>
    /// Every trace by default (what the dashboard and the telemetry tests expect). <c>PartnerMesh:TraceSampleRatio</c>
    /// (0–1) keeps that share of new traces instead, parent-based so a trace is kept or dropped whole across services:
    /// under load-test rates, exporting and ingesting every span costs more CPU than the requests themselves.
    /// </summary>
    private static IResourceBuilder<ProjectResource> WithTraceSampling(this IResourceBuilder<ProjectResource> service, IDistributedApplicationBuilder builder) =>
        builder.Configuration["PartnerMesh:TraceSampleRatio"] is { Length: > 0 } ratio
            ? service.WithEnvironment("OTEL_TRACES_SAMPLER", "parentbased_traceidratio").WithEnvironment("OTEL_TRACES_SAMPLER_ARG", ratio)
            : service;

    /// <summary>Services and migrators run in the AppHost's environment (Development under scripts/run.sh), as a launch profile would set it.</summary>
    private static IResourceBuilder<T> WithDevelopmentEnvironment<T>(this IResourceBuilder<T> resource, IDistributedApplicationBuilder builder)
        where T : IResourceWithEnvironment =>
        resource.WithEnvironment("ASPNETCORE_ENVIRONMENT", builder.Environment.EnvironmentName);

    /// <summary>In Development each service serves a browsable reference over its OpenAPI document; the dashboard links it.</summary>
    private static IResourceBuilder<ProjectResource> WithApiReferenceLink(this IResourceBuilder<ProjectResource> service, IDistributedApplicationBuilder builder)
    {
        if (!builder.Environment.IsDevelopment())
        {
            return service;
        }

        return service.WithUrls(context =>
        {
            if (context.Urls.FirstOrDefault(url => url.Endpoint?.EndpointName == "http") is { } http)
            {
                context.Urls.Add(new ResourceUrlAnnotation { Url = http.Url.TrimEnd('/') + ApiReferencePath, DisplayText = "API reference" });
            }
        });
    }

    /// <summary>Operator action: give parked outbox rows (publishing failed too often) another round of attempts.</summary>
    private static IResourceBuilder<ProjectResource> WithOutboxRedrive(this IResourceBuilder<ProjectResource> service, IResourceBuilder<IResourceWithConnectionString> database) =>
        service.WithCommand(
            "redrive-parked-outbox",
            "Re-drive parked outbox rows",
            async context =>
            {
                var result = await HostCommandRunner.RunAsync(service.Resource, context.Services, [HostCommands.RedriveParkedOutbox], context.CancellationToken);
                var count = result.LineAfter(HostCommands.RedrivenLinePrefix);
                return result.ExitCode == 0 && count is not null
                    ? CommandResults.Success($"{count} parked outbox row(s) of {database.Resource.Name} queued for publishing again.")
                    : CommandResults.Failure(result.Describe());
            },
            new CommandOptions
            {
                Description = "Clears the parked mark of outbox rows the relay gave up on, so it publishes them again.",
                ConfirmationMessage = "Publish every parked outbox row of this service again?",
                IconName = "ArrowRepeatAll",
                UpdateState = context => context.ResourceSnapshot.HealthStatus is not null ? ResourceCommandState.Enabled : ResourceCommandState.Disabled,
            });
}
