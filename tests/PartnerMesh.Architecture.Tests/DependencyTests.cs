using Xunit;

namespace PartnerMesh.Architecture.Tests;

/// <summary>Services stay independent: they share only the building blocks, never each other's code.</summary>
public sealed class DependencyTests
{
    public static TheoryData<string> Services => new(Solution.Services);

    public static TheoryData<string> BuildingBlocks => new(Solution.BuildingBlocks);

    [Theory]
    [MemberData(nameof(Services))]
    public void Service_IsBuiltForTheseTests(string service) =>
        Assert.Equal(service, Solution.Load(service).GetName().Name);

    [Theory]
    [MemberData(nameof(Services))]
    public void Service_ReferencesOnlyBuildingBlocksAmongOurAssemblies(string service)
    {
        // A service may split out its own pure domain (PartnerMesh.Promotions.Domain), nothing else of ours.
        var ownDomain = (service.EndsWith(".Api", StringComparison.Ordinal) ? service[..^".Api".Length] : service) + ".Domain";
        var forbidden = OurDependencies(service).Where(name => !Solution.BuildingBlocks.Contains(name) && name != ownDomain);
        Assert.Empty(forbidden);
    }

    [Theory]
    [MemberData(nameof(BuildingBlocks))]
    public void BuildingBlock_ReferencesOnlyOtherBuildingBlocks(string buildingBlock) =>
        Assert.All(OurDependencies(buildingBlock), name => Assert.Contains(name, Solution.BuildingBlocks));

    [Fact]
    public void Contracts_ReferencesOnlyMassTransitAbstractions()
    {
        const string Contracts = "PartnerMesh.Contracts";
        Assert.Equal(["MassTransit.Abstractions"], Solution.DeclaredDependenciesOf(Contracts));
        var thirdParty = Solution.DependenciesOf(Contracts).Where(name => !Solution.IsFramework(name));
        Assert.Equal(["MassTransit.Abstractions"], thirdParty);
    }

    [Fact]
    public void DomainProjects_ReferenceNoInfrastructure()
    {
        string[] infrastructure = ["Microsoft.EntityFrameworkCore", "Microsoft.AspNetCore", "Npgsql", "MassTransit", "StackExchange.Redis"];
        var domains = Solution.AllDeclared.Where(name => name.StartsWith(Solution.Prefix, StringComparison.Ordinal) && name.EndsWith(".Domain", StringComparison.Ordinal));
        Assert.All(domains, domain => Assert.DoesNotContain(
            Solution.DependenciesOf(domain),
            name => Array.Exists(infrastructure, prefix => name.StartsWith(prefix, StringComparison.Ordinal))
                || (name.StartsWith(Solution.Prefix, StringComparison.Ordinal) && name != "PartnerMesh.Contracts")));
    }

    [Fact]
    public void Gateway_ShipsNoMessaging()
    {
        // The gateway publishes and consumes no events: its EF helpers come from PartnerMesh.Data, not the outbox.
        var shipped = TransitiveDeclaredDependencies("PartnerMesh.Gateway");
        Assert.DoesNotContain(shipped, name => name.StartsWith("MassTransit", StringComparison.Ordinal)
            || name is "PartnerMesh.Messaging" or "PartnerMesh.Outbox");
    }

    private static HashSet<string> TransitiveDeclaredDependencies(string assembly)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([assembly]);
        while (pending.TryPop(out var current))
        {
            foreach (var dependency in Solution.DeclaredDependenciesOf(current).Where(seen.Add))
            {
                pending.Push(dependency);
            }
        }

        return seen;
    }

    private static IEnumerable<string> OurDependencies(string assembly) =>
        Solution.DependenciesOf(assembly).Where(name => name.StartsWith(Solution.Prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal);
}
