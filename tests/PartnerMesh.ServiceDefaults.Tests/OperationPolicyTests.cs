using Microsoft.AspNetCore.Authorization;
using PartnerMesh.ServiceDefaults.OpenApi;
using PartnerMesh.ServiceDefaults.Security;
using Xunit;

namespace PartnerMesh.ServiceDefaults.Tests;

/// <summary>The <c>x-partnermesh-policy</c> each OpenAPI operation declares, from its endpoint's authorization metadata.</summary>
public sealed class OperationPolicyTests
{
    private static readonly Dictionary<string, string> Policies = new(StringComparer.Ordinal)
    {
        [PartnerMeshPolicies.Storefront] = OperationPolicies.Storefront,
        [PartnerMeshPolicies.Admin] = OperationPolicies.Admin,
        [PartnerMeshPolicies.PartnerOrAdmin] = OperationPolicies.PartnerOrAdmin,
        ["self"] = OperationPolicies.Partner,
        ["session"] = OperationPolicies.PortalSession,
    };

    public static TheoryData<string[], string?> Cases => new()
    {
        { [PartnerMeshPolicies.Admin], OperationPolicies.Admin },
        { [PartnerMeshPolicies.Storefront], OperationPolicies.Storefront },
        { [PartnerMeshPolicies.PartnerOrAdmin], OperationPolicies.PartnerOrAdmin },
        { [PartnerMeshPolicies.PartnerOrAdmin, PartnerMeshPolicies.Admin], OperationPolicies.Admin },
        { [PartnerMeshPolicies.Storefront, PartnerMeshPolicies.PartnerOrAdmin], OperationPolicies.Admin },
        { [PartnerMeshPolicies.Storefront, PartnerMeshPolicies.Storefront], OperationPolicies.Storefront },
        { [PartnerMeshPolicies.PartnerOrAdmin, "self"], OperationPolicies.Partner },
        { ["session"], OperationPolicies.PortalSession },
        // Nobody could pass these: no policy to declare, so the tests reading the documents fail.
        { ["self", PartnerMeshPolicies.Admin], null },
        { ["session", PartnerMeshPolicies.Admin], null },
        { ["unknown-policy"], null },
        { [PartnerMeshPolicies.Admin, "unknown-policy"], null },
        // Only the fallback policy (any authenticated caller): undeclared.
        { [], null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void PolicyOf_AuthorizeMetadata_AddsUpToOnePolicy(string[] policies, string? expected)
    {
        object[] metadata = [.. policies.Select(policy => new AuthorizeAttribute(policy))];

        Assert.Equal(expected, PartnerMeshOpenApi.PolicyOf(metadata, Policies));
    }

    [Fact]
    public void PolicyOf_AllowAnonymousAnywhere_IsAnonymous() =>
        Assert.Equal(OperationPolicies.Anonymous, PartnerMeshOpenApi.PolicyOf(
            [new AuthorizeAttribute(PartnerMeshPolicies.Admin), new AllowAnonymousAttribute()], Policies));

    [Fact]
    public void PolicyOf_AuthorizeWithoutPolicy_IsUndeclared() =>
        Assert.Null(PartnerMeshOpenApi.PolicyOf([new AuthorizeAttribute()], Policies));

    [Theory]
    [InlineData("ListCampaignCodes", "List campaign codes")]
    [InlineData("GetKpis", "Get kpis")]
    [InlineData("ExportCSVReport", "Export CSV report")]
    [InlineData("me", "Me")]
    public void Words_EndpointName_ReadsAsASummary(string name, string summary) =>
        Assert.Equal(summary, PartnerMeshOpenApi.Words(name));
}
