using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace PartnerMesh.ServiceDefaults.Security;

public static class SecurityExtensions
{
    /// <summary>
    /// Services authenticate every request with a token the gateway, the portal or (for coupons) promotions signed; an
    /// unverified header is never trusted. A token must be for <paramref name="audience"/> (this service), signed by a
    /// key of the issuer it names, with the ES256 algorithm, unexpired, and grant only scopes its issuer may grant.
    /// Registers the scope policies and makes authorization the default for every endpoint.
    /// </summary>
    public static TBuilder AddServiceAuthentication<TBuilder>(this TBuilder builder, string audience)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<ServiceIdentityOptions>()
            .BindConfiguration(ServiceIdentityOptions.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ServiceIdentityOptions>, ServiceIdentityOptionsValidator>();
        builder.Services.AddSingleton<TrustedServiceTokenKeys>();
        builder.Services.AddSingleton(services => new RememberingTokenHandler(services.GetService<TimeProvider>() ?? TimeProvider.System));

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<TrustedServiceTokenKeys, RememberingTokenHandler>((jwt, trusted, tokenHandler) =>
            {
                jwt.MapInboundClaims = false;
                jwt.TokenHandlers.Clear();
                jwt.TokenHandlers.Add(tokenHandler);
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuers = trusted.Issuers,
                    ValidAudience = audience,
                    IssuerSigningKeyResolver = (_, token, _, _) => trusted.KeysOf(token.Issuer),
                    ValidAlgorithms = [ServiceTokenKeys.Algorithm],
                    RequireSignedTokens = true,
                    RequireExpirationTime = true,
                    ClockSkew = TimeSpan.FromSeconds(30),
                    NameClaimType = "sub",
                };
                jwt.Events = new JwtBearerEvents { OnTokenValidated = RejectScopesTheIssuerCannotGrant };
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

    /// <summary>
    /// For the processes that vouch for callers: a <see cref="ServiceTokenIssuer"/> named <paramref name="issuer"/>
    /// with the signing key from <c>ServiceTokens:SigningKey</c>, checked at start.
    /// </summary>
    public static IServiceCollection AddServiceTokenIssuer(this IServiceCollection services, string issuer)
    {
        services.AddOptions<ServiceTokenSigningOptions>()
            .BindConfiguration(ServiceTokenSigningOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(options => IsUsableSigningKey(options.SigningKey), "ServiceTokens:SigningKey is not a usable ES256 signing key.")
            .ValidateOnStart();
        services.AddSingleton(provider => new ServiceTokenIssuer(
            issuer, provider.GetRequiredService<IOptions<ServiceTokenSigningOptions>>().Value, provider.GetService<TimeProvider>() ?? TimeProvider.System));
        return services;
    }

    public static bool IsAdmin(this ClaimsPrincipal user) => user.HasClaim(PartnerMeshClaims.Scope, PartnerMeshScopes.Admin);

    /// <summary>The partner a portal session acts for, if any.</summary>
    public static Guid? PartnerId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(PartnerMeshClaims.PartnerId), out var id) ? id : null;

    /// <summary>Admins may read any partner; a partner only itself.</summary>
    public static bool MayReadPartner(this ClaimsPrincipal user, Guid partnerId) =>
        user.IsAdmin() || user.PartnerId() == partnerId;

    private static Task RejectScopesTheIssuerCannotGrant(TokenValidatedContext context)
    {
        var granted = ServiceTokenIssuers.ScopesGrantedBy(context.SecurityToken.Issuer);
        if (context.Principal?.FindAll(PartnerMeshClaims.Scope).Any(scope => !granted.Contains(scope.Value)) != false)
        {
            context.Fail($"Issuer '{context.SecurityToken.Issuer}' may not grant the scopes this token carries.");
        }

        return Task.CompletedTask;
    }

    private static bool IsUsableSigningKey(string secret)
    {
        try
        {
            _ = ServiceTokenKeys.SigningKey(secret);
            return true;
        }
        catch (Exception exception) when (exception is System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            return false;
        }
    }
}
