using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace PartnerMesh.Architecture.Tests;

/// <summary>The solution's assemblies and what each depends on, as built for this test run.</summary>
internal static class Solution
{
    public const string Prefix = "PartnerMesh.";

    public static readonly string[] BuildingBlocks =
    [
        "PartnerMesh.ServiceDefaults",
        "PartnerMesh.Contracts",
        "PartnerMesh.Data",
        "PartnerMesh.Messaging",
        "PartnerMesh.Outbox",
        "PartnerMesh.PartnerDirectory",
        "PartnerMesh.Redis",
    ];

    public static readonly string[] Services =
    [
        "PartnerMesh.Gateway",
        "PartnerMesh.Attribution.Api",
        "PartnerMesh.Promotions.Api",
        "PartnerMesh.Coupons.Api",
        "PartnerMesh.Surveys.Api",
        "PartnerMesh.Analytics.Api",
        "PartnerMesh.PartnerPortal.Api",
    ];

    private static readonly Lazy<Dictionary<string, string[]>> DeclaredDependencies = new(ReadDepsFile);

    public static Assembly Load(string name) => Assembly.Load(new AssemblyName(name));

    /// <summary>
    /// Direct dependencies of an assembly: the assemblies its IL references, plus every package and project reference the
    /// build recorded in <c>deps.json</c> (the compiler drops references no type uses, the deps file keeps them).
    /// </summary>
    public static IReadOnlySet<string> DependenciesOf(string name)
    {
        var dependencies = Load(name).GetReferencedAssemblies().Select(reference => reference.Name!).ToHashSet(StringComparer.Ordinal);
        dependencies.UnionWith(DeclaredDependencies.Value.GetValueOrDefault(name, []));
        return dependencies;
    }

    /// <summary>Package and project references the build recorded for an assembly (no framework assemblies).</summary>
    public static IReadOnlyList<string> DeclaredDependenciesOf(string name) => DeclaredDependencies.Value.GetValueOrDefault(name, []);

    public static IEnumerable<string> AllDeclared => DeclaredDependencies.Value.Keys;

    public static bool IsFramework(string assemblyName) =>
        File.Exists(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), assemblyName + ".dll"));

    private static Dictionary<string, string[]> ReadDepsFile()
    {
        var path = Path.Combine(AppContext.BaseDirectory, typeof(Solution).Assembly.GetName().Name + ".deps.json");
        using var deps = JsonDocument.Parse(File.ReadAllText(path));
        var target = deps.RootElement.GetProperty("targets").EnumerateObject().Single().Value;
        return target.EnumerateObject().ToDictionary(
            library => library.Name.Split('/')[0],
            library => library.Value.TryGetProperty("dependencies", out var dependencies)
                ? dependencies.EnumerateObject().Select(dependency => dependency.Name).ToArray()
                : [],
            StringComparer.Ordinal);
    }
}
