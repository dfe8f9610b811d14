using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using PartnerMesh.ServiceDefaults.OpenApi;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.PartnerPortal.Api.Portal;

public static class PortalAuthenticationExtensions
{
    /// <summary>
    /// Adds the partner session cookie beside the service-token scheme from <c>AddServiceAuthentication()</c> (which stays
    /// the default), and the explicit per-group policies.
    /// </summary>
    public static WebApplicationBuilder AddPortalAuthentication(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<SignedInSessions>();
        builder.Services.AddScoped<PortalCookieEvents>();
        builder.Services.AddAuthentication()
            .AddCookie(PortalSession.Scheme, options =>
            {
                options.Cookie.Name = PortalSession.CookieName;
                options.Cookie.Path = PortalSession.PathPrefix;
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.Cookie.IsEssential = true;
                options.ExpireTimeSpan = PortalSession.Lifetime;
                options.SlidingExpiration = true;
                options.LoginPath = PortalSession.LoginPath;
                options.EventsType = typeof(PortalCookieEvents);
            });

        builder.Services.AddAntiforgery(options =>
        {
            options.Cookie.Name = PortalSession.AntiforgeryCookieName;
            options.HeaderName = PortalProblems.AntiforgeryHeader;
            options.Cookie.Path = PortalSession.PathPrefix;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        builder.Services.AddSingleton<IAntiforgeryAdditionalDataProvider, SessionAntiforgeryData>();

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(PortalPolicies.Admin, policy => policy
                .AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme)
                .RequireClaim(PartnerMeshClaims.Scope, PartnerMeshScopes.Admin))
            .AddPolicy(PortalPolicies.PartnerSession, policy => policy
                .AddAuthenticationSchemes(PortalSession.Scheme)
                .RequireAuthenticatedUser()
                .RequireClaim(PartnerMeshClaims.PartnerId));
        builder.Services.Configure<PartnerMeshOpenApiOptions>(openApi =>
        {
            openApi.Policies[PortalPolicies.Admin] = OperationPolicies.Admin;
            openApi.Policies[PortalPolicies.PartnerSession] = OperationPolicies.PortalSession;
            openApi.SessionCookieName = PortalSession.CookieName;
        });

        return builder;
    }
}
