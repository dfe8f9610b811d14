using System.Linq.Expressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Gateway.Diagnostics;
using PartnerMesh.Gateway.Infrastructure;

namespace PartnerMesh.Gateway.ApiKeys;

public static class ApiKeyEndpoints
{
    /// <summary>A key as the admin API shows it (never its hash), translated to SQL by EF.</summary>
    private static readonly Expression<Func<ApiKey, ApiKeyResponse>> ToResponse = key => new ApiKeyResponse(
        key.Id, key.Name, key.Scope, key.RateLimitPerMinute, key.CreatedAt, key.RevokedAt, key.LastUsedAt);

    public static RouteGroupBuilder MapApiKeyEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/gateway/keys")
            .WithTags("ApiKeys")
            .RequireAuthorization(ApiKeyAuthentication.AdminPolicy)
            .WithMetadata(new GatewayRouteMetadata("gateway-keys"));

        group.MapPost("", CreateApiKey).WithName(nameof(CreateApiKey));
        group.MapGet("", ListApiKeys).WithName(nameof(ListApiKeys));
        group.MapGet("/{id}", GetApiKey).WithName(nameof(GetApiKey));
        group.MapDelete("/{id}", RevokeApiKey).WithName(nameof(RevokeApiKey));

        return group;
    }

    private static async Task<Results<Created<CreatedApiKeyResponse>, ValidationProblem>> CreateApiKey(
        CreateApiKeyRequest request, ApiKeyService keys, CancellationToken cancellationToken)
    {
        var errors = Validate(request);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var scope = request.Scope!;
        var rateLimit = request.RateLimitPerMinute ?? ApiKeyScopes.DefaultRateLimitPerMinute(scope);
        var created = await keys.CreateAsync(request.Name!.Trim(), scope, rateLimit, cancellationToken);
        var key = created.Key;
        return TypedResults.Created(
            $"/api/gateway/keys/{key.Id}",
            new CreatedApiKeyResponse(key.Id, key.Name, key.Scope, key.RateLimitPerMinute, key.CreatedAt, created.PlainTextKey));
    }

    private static async Task<Ok<List<ApiKeyResponse>>> ListApiKeys(GatewayDbContext db, CancellationToken cancellationToken)
    {
        var keys = await db.ApiKeys.AsNoTracking()
            .OrderBy(key => key.CreatedAt).ThenBy(key => key.Id)
            .Select(ToResponse)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(keys);
    }

    private static async Task<Results<Ok<ApiKeyResponse>, NotFound>> GetApiKey(
        string id, GatewayDbContext db, CancellationToken cancellationToken)
    {
        var key = await db.ApiKeys.AsNoTracking()
            .Where(key => key.Id == id)
            .Select(ToResponse)
            .SingleOrDefaultAsync(cancellationToken);
        return key is null ? TypedResults.NotFound() : TypedResults.Ok(key);
    }

    private static async Task<Results<NoContent, NotFound>> RevokeApiKey(
        string id, ApiKeyService keys, CancellationToken cancellationToken) =>
        ApiKeyFormat.IsValidKeyId(id) && await keys.RevokeAsync(id, cancellationToken)
            ? TypedResults.NoContent()
            : TypedResults.NotFound();

    private static Dictionary<string, string[]> Validate(CreateApiKeyRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (!ApiKey.IsValidName(request.Name?.Trim(), out var nameError))
        {
            errors["name"] = [nameError];
        }

        if (!ApiKeyScopes.IsValid(request.Scope))
        {
            errors["scope"] = ["Scope must be 'storefront' or 'admin'."];
        }

        if (request.RateLimitPerMinute is < ApiKeyScopes.MinRateLimitPerMinute or > ApiKeyScopes.MaxRateLimitPerMinute)
        {
            errors["rateLimitPerMinute"] =
                [$"Rate limit must be between {ApiKeyScopes.MinRateLimitPerMinute} and {ApiKeyScopes.MaxRateLimitPerMinute} requests per minute."];
        }

        return errors;
    }
}

public sealed record CreateApiKeyRequest(string? Name, string? Scope, int? RateLimitPerMinute);

/// <summary>The only response that ever carries the plain key.</summary>
public sealed record CreatedApiKeyResponse(
    string Id, string Name, string Scope, int RateLimitPerMinute, DateTimeOffset CreatedAt, string ApiKey);

/// <summary>A key as listed: never its secret or hash.</summary>
public sealed record ApiKeyResponse(
    string Id, string Name, string Scope, int RateLimitPerMinute, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt);
