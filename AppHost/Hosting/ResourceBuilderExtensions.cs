namespace PartnerMesh.AppHost.Hosting;

/// <summary>The Aspire-shaped fluent API used by <see cref="PartnerMeshTopology"/>.</summary>
public static class ResourceBuilderExtensions
{
    /// <summary>Injects the referenced resource's connection information (<c>ConnectionStrings__x</c> or <c>services__x__http__0</c>).</summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<Resource> source)
        where T : Resource
    {
        builder.Resource.References.Add(source.Resource);
        return builder;
    }

    /// <summary>Starts this resource only once <paramref name="dependency"/> is healthy.</summary>
    public static IResourceBuilder<T> WaitFor<T>(this IResourceBuilder<T> builder, IResourceBuilder<Resource> dependency)
        where T : Resource
    {
        builder.Resource.WaitsFor.Add(dependency.Resource);
        return builder;
    }

    /// <summary>A named volume <c>{container}-data</c> for the server's data, so it survives restarts and re-creation.</summary>
    public static IResourceBuilder<T> WithDataVolume<T>(this IResourceBuilder<T> builder)
        where T : ContainerResource
    {
        var target = builder.Resource switch
        {
            PostgresServerResource => "/var/lib/postgresql/data",
            RabbitMQServerResource => "/var/lib/rabbitmq",
            RedisResource => "/data",
            _ => throw new NotSupportedException($"No data folder known for {builder.Resource.Name}."),
        };
        builder.Resource.Volumes.Add(new VolumeMount($"{builder.Resource.ContainerName}-data", target));
        if (builder.Resource is RedisResource redis && !redis.Args.Contains("--appendonly"))
        {
            redis.Args.Add("--appendonly");
            redis.Args.Add("yes");
        }

        return builder;
    }

    /// <summary>Publishes the management UI/API (the image must have the plugin enabled, like <c>rabbitmq:3-management</c>).</summary>
    public static IResourceBuilder<RabbitMQServerResource> WithManagementPlugin(this IResourceBuilder<RabbitMQServerResource> builder, int port)
    {
        var rabbit = builder.Resource;
        rabbit.Ports.Add(new PortMapping("management", port, RabbitMQServerResource.ManagementContainerPort));
        if (!rabbit.IsExternal)
        {
            rabbit.ManagementUrl = new Uri($"http://127.0.0.1:{port}");
        }

        return builder;
    }

    public static IResourceBuilder<PostgresDatabaseResource> AddDatabase(this IResourceBuilder<PostgresServerResource> builder, string name)
    {
        var database = new PostgresDatabaseResource(name, builder.Resource, name + builder.ApplicationBuilder.Options.DatabaseNameSuffix);
        builder.Resource.Databases.Add(database);
        database.WaitsFor.Add(builder.Resource);
        return builder.ApplicationBuilder.Add(database);
    }

    /// <summary>Runs <c>dotnet {dll} --migrate</c> (state "migrating") before the project starts; a failure stops its dependents.</summary>
    public static IResourceBuilder<ProjectResource> WithMigrations(this IResourceBuilder<ProjectResource> builder)
    {
        builder.Resource.RunsMigrations = true;
        return builder;
    }

    /// <summary>Healthy once <paramref name="path"/> answers 200; polled afterwards to spot an unhealthy service.</summary>
    public static IResourceBuilder<ProjectResource> WithHttpHealthCheck(this IResourceBuilder<ProjectResource> builder, string path)
    {
        builder.Resource.HealthCheckPath = path;
        return builder;
    }

    /// <summary>Once healthy, runs <c>dotnet {dll} --bootstrap-admin-key</c> (and <c>--new-admin-key</c> when asked for).</summary>
    public static IResourceBuilder<ProjectResource> WithAdminKeyBootstrap(this IResourceBuilder<ProjectResource> builder)
    {
        builder.Resource.BootstrapsAdminKey = true;
        return builder;
    }

    /// <summary>
    /// Gives the gateway's admin key in the environment variable <paramref name="variable"/> (not on the command line,
    /// where <c>ps</c> shows it). Waits for the gateway, which then always creates a key if none was shown this run.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithAdminApiKey(
        this IResourceBuilder<ProjectResource> builder, IResourceBuilder<ProjectResource> gateway, string variable)
    {
        gateway.Resource.AdminKeyRequired = true;
        builder.WaitFor(gateway);
        builder.Resource.Environment.Add(new(variable, () => gateway.Resource.AdminApiKey
            ?? throw new InvalidOperationException($"{gateway.Resource.Name} has no admin API key to give {builder.Resource.Name}.")));
        return builder;
    }

    public static IResourceBuilder<ProjectResource> WithEnvironment(this IResourceBuilder<ProjectResource> builder, string name, string value)
    {
        builder.Resource.Environment.Add(new(name, () => value));
        return builder;
    }

    public static IResourceBuilder<ProjectResource> WithEnvironment(
        this IResourceBuilder<ProjectResource> builder, string name, IResourceBuilder<ParameterResource> parameter)
    {
        builder.Resource.Environment.Add(new(name, () => parameter.Resource.Value));
        return builder;
    }

    /// <summary>An environment variable computed when the process starts (e.g. another resource's URL).</summary>
    public static IResourceBuilder<ProjectResource> WithEnvironment(this IResourceBuilder<ProjectResource> builder, string name, Func<string> value)
    {
        builder.Resource.Environment.Add(new(name, value));
        return builder;
    }

    /// <summary>Arguments computed each time the process starts (they may use values known only at run time).</summary>
    public static IResourceBuilder<ProjectResource> WithArgs(this IResourceBuilder<ProjectResource> builder, Func<IEnumerable<string>> args)
    {
        builder.Resource.Args.Add(args);
        return builder;
    }
}
