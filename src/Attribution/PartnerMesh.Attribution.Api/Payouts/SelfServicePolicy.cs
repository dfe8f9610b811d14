using PartnerMesh.ServiceDefaults.OpenApi;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.Attribution.Api.Payouts;

/// <summary>
/// <c>/api/attribution/me/…</c>: a partner's own data, the partner named by the token. Admins are refused (they read a
/// partner through <c>/partners/{id}/…</c>), so the routes declare it and the OpenAPI document says <c>partner</c>.
/// </summary>
public static class SelfServicePolicy
{
    public const string Name = "attribution-partner-self";

    public static WebApplicationBuilder AddSelfServicePolicy(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthorizationBuilder().AddPolicy(Name, policy => policy
            .RequireClaim(PartnerMeshClaims.Scope, PartnerMeshScopes.Partner)
            .RequireClaim(PartnerMeshClaims.PartnerId));
        builder.Services.Configure<PartnerMeshOpenApiOptions>(openApi => openApi.Policies[Name] = OperationPolicies.Partner);
        return builder;
    }
}
