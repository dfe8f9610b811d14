using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace PartnerMesh.ServiceDefaults.Security;

public static class SecurityExtensions
{
    /// <summary>
    /// Services authenticate every request with the token the gateway (or portal) signed; an unverified header is
    /// never trusted. Registers the scope policies and makes authorization the default for every endpoint.
    /// </summary>
    public static TBuilder AddServiceAuthentication<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddServiceIdentity();

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<ServiceIdentityOptions>>((jwt, identity) =>
            {
                var settings = identity.Value;
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = settings.Issuer,
                    ValidAudience = settings.Audience,
                    IssuerSigningKey = ServiceTokenIssuer.CreateKey(settings),
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    ClockSkew = TimeSpan.FromSeconds(30),
                    NameClaimType = "sub",
                };
            });

        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(PartnerMeshPolicies.Admin, policy => policy.RequireClaim(PartnerMeshClaims.Scope, PartnerMeshScopes.Admin))
            .AddPolicy(PartnerMeshPolicies.Storefront, policy =>
                policy.RequireClaim(PartnerMeshClaims.Scope, PartnerMeshScopes.Storefront, PartnerMeshScopes.Admin))
            .AddPolicy(PartnerMeshPolicies.PartnerOrAdmin, policy =>
                policy.RequireClaim(PartnerMeshClaims.Scope, PartnerMeshScopes.Partner, PartnerMeshScopes.Admin));

        return builder;
    }

    public static IServiceCollection AddServiceIdentity(this IServiceCollection services)
    {
        services.AddOptions<ServiceIdentityOptions>()
            .BindConfiguration(ServiceIdentityOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<ServiceTokenIssuer>();
        return services;
    }

    public static bool IsAdmin(this ClaimsPrincipal user) => user.HasClaim(PartnerMeshClaims.Scope, PartnerMeshScopes.Admin);

    /// <summary>The partner a portal session acts for, if any.</summary>
    public static Guid? PartnerId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(PartnerMeshClaims.PartnerId), out var id) ? id : null;

    /// <summary>Admins may read any partner; a partner only itself.</summary>
    public static bool MayReadPartner(this ClaimsPrincipal user, Guid partnerId) =>
        user.IsAdmin() || user.PartnerId() == partnerId;
}
