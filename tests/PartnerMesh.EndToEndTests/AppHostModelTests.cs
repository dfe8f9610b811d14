using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Xunit;

namespace PartnerMesh.EndToEndTests;

/// <summary>The AppHost's model, built but not started: what it would run for a given configuration.</summary>
public sealed class AppHostModelTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ExistingServers_ReplaceTheContainers_AndEachServiceGetsItsDatabaseOnThem()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.PartnerMesh_AppHost>(
            [
                "--ConnectionStrings:postgres=Host=db.internal;Port=5432;Username=pm;Password=secret",
                "--ConnectionStrings:messaging=amqp://pm:secret@mq.internal:5672/",
                "--ConnectionStrings:redis=cache.internal:6379",
            ],
            Ct);

        Assert.Empty(builder.Resources.OfType<ContainerResource>());
        var attributionDb = Assert.IsAssignableFrom<IResourceWithConnectionString>(Assert.Single(builder.Resources, resource => resource.Name == "attributiondb"));
        Assert.Equal(
            "Host=db.internal;Port=5432;Username=pm;Password=secret;Database=attributiondb",
            await attributionDb.ConnectionStringExpression.GetValueAsync(Ct));
    }

    [Fact]
    public async Task ByDefault_InfrastructureRunsAsContainersWithDataVolumes_AndEveryServiceHasAMigrator()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.PartnerMesh_AppHost>(Ct);

        var containers = builder.Resources.OfType<ContainerResource>().ToList();
        Assert.Equal(["messaging", "postgres", "redis"], containers.Select(container => container.Name).Order());
        Assert.All(containers, container => Assert.Contains(container.Annotations.OfType<ContainerMountAnnotation>(), mount => mount.Type == ContainerMountType.Volume));
        foreach (var service in SystemFixture.Services)
        {
            var migrator = Assert.IsType<ExecutableResource>(Assert.Single(builder.Resources, resource => resource.Name == service + "-migrations"), exactMatch: false);
            Assert.Equal(["--migrate"], migrator.Annotations.OfType<CommandLineArgsCallbackAnnotation>().Any() ? await ArgsAsync(migrator) : []);
            Assert.Contains(builder.Resources.OfType<ProjectResource>().Single(project => project.Name == service).Annotations.OfType<WaitAnnotation>(),
                wait => wait.Resource == migrator && wait.WaitType == WaitType.WaitForCompletion);
        }
    }

    [Fact]
    public async Task ReportingTimeZone_OneSetting_CutsSurveysAndAnalyticsWeeksInTheSameZone()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.PartnerMesh_AppHost>(
            ["--PartnerMesh:ReportingTimeZone=Europe/Berlin"], Ct);

        var surveys = await EnvironmentAsync(builder, "surveys-api");
        var analytics = await EnvironmentAsync(builder, "analytics-api");

        Assert.Equal("Europe/Berlin", Assert.IsType<string>(surveys["Surveys__ReportingTimeZone"]));
        Assert.Equal("Europe/Berlin", Assert.IsType<string>(analytics["Analytics__ReportingTimeZone"]));
    }

    /// <summary>The plain-text environment variables a service would be started with (secrets and references left out).</summary>
    private static async Task<Dictionary<string, object>> EnvironmentAsync(IDistributedApplicationTestingBuilder builder, string resourceName)
    {
        var service = builder.Resources.OfType<ProjectResource>().Single(project => project.Name == resourceName);
        var variables = new Dictionary<string, object>();
        var context = new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run), variables, Ct);
        foreach (var callback in service.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }

        return variables;
    }

    /// <summary>The migrator's arguments after the assembly path: what it is asked to do.</summary>
    private static async Task<List<string>> ArgsAsync(ExecutableResource migrator)
    {
        var args = new List<object>();
        foreach (var callback in migrator.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
        {
            await callback.Callback(new CommandLineArgsCallbackContext(args, migrator, Ct));
        }

        Assert.EndsWith(".dll", Assert.IsType<string>(args[0]), StringComparison.Ordinal);
        Assert.True(File.Exists((string)args[0]), $"{args[0]} should be built");
        return args.Skip(1).Select(arg => arg.ToString()!).ToList();
    }
}
