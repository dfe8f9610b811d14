namespace PartnerMesh.AppHost;

/// <summary>Where the AppHost finds the binaries of the projects it runs, built beside its own.</summary>
internal static class BuiltProjects
{
    /// <summary>
    /// A project's built assembly in the artifacts folder (<c>artifacts/bin/&lt;project&gt;/&lt;configuration&gt;/&lt;project&gt;.dll</c>),
    /// next to the AppHost's own output folder — or, under Aspire.Hosting.Testing, the test assembly's, at the same depth.
    /// Running it with <c>dotnet</c> spares the MSBuild evaluation of <c>dotnet run</c> (2–3 s of CPU per start) and its wrapper process.
    /// </summary>
    public static string AssemblyPath(string projectPath)
    {
        var name = Path.GetFileNameWithoutExtension(projectPath);
        var ownFolder = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        return Path.Combine(ownFolder.Parent!.Parent!.FullName, name, ownFolder.Name, name + ".dll");
    }
}
