namespace PartnerMesh.AppHost;

/// <summary>Where the AppHost finds the binaries of the projects it runs, built beside its own.</summary>
internal static class BuiltProjects
{
    /// <summary>
    /// Set by <c>scripts/run.sh</c> to the folder of ReadyToRun copies of the built projects (<c>scripts/precompile.sh</c>):
    /// the same assemblies, precompiled, so fourteen processes starting at once on two cores spend far less time in the JIT.
    /// </summary>
    public const string PrecompiledFolderVariable = "PARTNERMESH_PRECOMPILED_DIR";

    /// <summary>
    /// A project's built assembly in the artifacts folder (<c>artifacts/bin/&lt;project&gt;/&lt;configuration&gt;/&lt;project&gt;.dll</c>),
    /// next to the AppHost's own output folder — or, under Aspire.Hosting.Testing, the test assembly's, at the same depth —
    /// or its precompiled copy when <see cref="PrecompiledFolderVariable"/> names a folder that holds one.
    /// Running it with <c>dotnet</c> spares the MSBuild evaluation of <c>dotnet run</c> (2–3 s of CPU per start) and its wrapper process.
    /// </summary>
    public static string AssemblyPath(string projectPath)
    {
        var name = Path.GetFileNameWithoutExtension(projectPath);
        var ownFolder = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        if (Environment.GetEnvironmentVariable(PrecompiledFolderVariable) is { Length: > 0 } precompiled
            && Path.Combine(precompiled, name, ownFolder.Name, name + ".dll") is var precompiledAssembly
            && File.Exists(precompiledAssembly))
        {
            return precompiledAssembly;
        }

        return Path.Combine(ownFolder.Parent!.Parent!.FullName, name, ownFolder.Name, name + ".dll");
    }
}
