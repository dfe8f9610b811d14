using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Eventing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PartnerMesh.ServiceDefaults;

namespace PartnerMesh.AppHost;

/// <summary>
/// Admin API keys, made by the gateway's own binary (<c>--bootstrap-admin-key</c>, <c>--new-admin-key</c>) so that
/// only the gateway knows how keys are hashed. A key is shown once — on the AppHost's console at the first start, in a
/// dashboard dialog from the gateway's "Create admin API key" command — and never reaches a log the dashboard keeps.
/// </summary>
internal static class AdminKeyExtensions
{
    public const string CreateAdminKeyCommand = "create-admin-key";

    public static IResourceBuilder<ProjectResource> WithAdminKeys(this IResourceBuilder<ProjectResource> gateway)
    {
        var builder = gateway.ApplicationBuilder;
        var announced = 0;
        builder.Eventing.Subscribe<ResourceReadyEvent>(gateway.Resource, async (@event, cancellationToken) =>
        {
            // Ready again after a restart from the dashboard: the system was announced, the first key made, once.
            if (Interlocked.Exchange(ref announced, 1) == 1)
            {
                return;
            }

            var result = await HostCommandRunner.RunAsync(gateway.Resource, @event.Services, [HostCommands.BootstrapAdminKey], cancellationToken);
            var key = result.LineAfter(HostCommands.AdminKeyLinePrefix);
            var gatewayUrl = gateway.GetEndpoint("http").Url;
            var lines = new List<string>
            {
                "",
                "PartnerMesh is running. Ctrl+C stops it (data volumes are kept).",
                $"  gateway (the only public entry)  {gatewayUrl}",
                $"  partner portal                   {gatewayUrl}/portal/",
                $"  Aspire dashboard                 {DashboardLoginUrl(builder.Configuration)}",
            };
            if (key is not null)
            {
                lines.Add($"  first admin API key (shown once, store it now): {key}");
            }
            else if (result.HasLine(HostCommands.AdminKeyExistsLine))
            {
                lines.Add("  admin API key: one exists; create another with the gateway's \"Create admin API key\" command in the dashboard");
            }
            else
            {
                lines.Add("  admin API key: " + result.Describe());
            }

            // The AppHost's console, not a resource log: the dashboard never stores this.
            Console.WriteLine(string.Join(Environment.NewLine, lines) + Environment.NewLine);
        });

        return gateway.WithCommand(
            CreateAdminKeyCommand,
            "Create admin API key",
            async context =>
            {
                var result = await HostCommandRunner.RunAsync(gateway.Resource, context.Services, [HostCommands.NewAdminKey, "admin-" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture)], context.CancellationToken);
                return result.LineAfter(HostCommands.AdminKeyLinePrefix) is { } key
                    ? CommandResults.Success("Admin API key created. It is shown once: store it now.", key, CommandResultFormat.Text, displayImmediately: true)
                    : CommandResults.Failure(result.Describe());
            },
            new CommandOptions
            {
                Description = "Creates an admin API key for the gateway's admin API and shows it once.",
                IconName = "Key",
                UpdateState = context => context.ResourceSnapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy
                    ? ResourceCommandState.Enabled
                    : ResourceCommandState.Disabled,
            });
    }

    /// <summary>
    /// <c>--demo</c> (<c>PartnerMesh:Demo=true</c>) starts the storefront simulator with the system; otherwise it is
    /// listed and started from the dashboard when wanted. It gets an admin key of its own when it starts. It waits for
    /// the services behind the gateway too: the gateway is up first and answers 503 for a service still starting, and
    /// the simulator's set-up (partners, links) would stop on that.
    /// </summary>
    public static void AddStorefrontSimulator(
        this IDistributedApplicationBuilder builder, IResourceBuilder<ProjectResource> gateway, params IResourceBuilder<ProjectResource>[] services)
    {
        var simulator = builder.AddProject<Projects.PartnerMesh_StorefrontSimulator>("storefront-simulator", launchProfileName: null).WithBuiltAssemblyLaunch()
            .WithReference(gateway).WaitFor(gateway)
            .WithArgs(context =>
            {
                context.Args.Add("--gateway");
                context.Args.Add(gateway.GetEndpoint("http"));
                context.Args.Add("--rate");
                context.Args.Add("4");
            })
            .WithEnvironment(async context =>
            {
                var result = await HostCommandRunner.RunAsync(gateway.Resource, context.ExecutionContext.Services, [HostCommands.NewAdminKey, "storefront-simulator"], context.CancellationToken);
                context.EnvironmentVariables["PARTNERMESH_ADMIN_KEY"] = result.LineAfter(HostCommands.AdminKeyLinePrefix)
                    ?? throw new InvalidOperationException(result.Describe());
            });
        foreach (var service in services)
        {
            simulator.WaitFor(service);
        }

        if (!builder.Configuration.GetValue<bool>("PartnerMesh:Demo"))
        {
            simulator.WithExplicitStart();
        }
    }

    private static string DashboardLoginUrl(ConfigurationManager configuration)
    {
        var url = (configuration["ASPNETCORE_URLS"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "(dashboard off)";
        return configuration["AppHost:BrowserToken"] is { Length: > 0 } token ? $"{url.TrimEnd('/')}/login?t={token}" : url;
    }
}
