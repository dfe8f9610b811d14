namespace PartnerMesh.AppHost.Hosting;

/// <summary>Something the AppHost starts, creates or attaches to: a container, a database, a project, a parameter.</summary>
public abstract class Resource(string name)
{
    public string Name { get; } = name;

    /// <summary>Short kind shown by the dashboard: container, database, project, external.</summary>
    public abstract string Kind { get; }

    /// <summary>Resources that must be ready (healthy) before this one starts.</summary>
    public IList<Resource> WaitsFor { get; } = new List<Resource>();

    /// <summary>Resources whose connection information is injected into this one.</summary>
    public IList<Resource> References { get; } = new List<Resource>();

    public override string ToString() => Name;
}

/// <summary>A resource that provides <c>ConnectionStrings__{Name}</c> to the resources referencing it.</summary>
public interface IResourceWithConnectionString
{
    string Name { get; }

    string GetConnectionString();
}

/// <summary>Builder wrapper returned by <c>Add*</c> calls, so topology code chains like Aspire's.</summary>
public interface IResourceBuilder<out T>
    where T : Resource
{
    DistributedApplicationBuilder ApplicationBuilder { get; }

    T Resource { get; }
}

internal sealed class ResourceBuilder<T>(DistributedApplicationBuilder applicationBuilder, T resource) : IResourceBuilder<T>
    where T : Resource
{
    public DistributedApplicationBuilder ApplicationBuilder { get; } = applicationBuilder;

    public T Resource { get; } = resource;
}

/// <summary>A value generated on first run and kept in <c>secrets.json</c> of the state folder (never committed).</summary>
public sealed class ParameterResource(string name, string value) : Resource(name)
{
    public override string Kind => "parameter";

    public string Value { get; } = value;
}
