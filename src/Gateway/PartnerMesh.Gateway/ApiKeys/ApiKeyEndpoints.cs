using System.ComponentModel.DataAnnotations;
using PartnerMesh.ServiceDefaults.WebApi;
using System.Linq.Expressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Gateway.Diagnostics;
using PartnerMesh.Gateway.Infrastructure;

namespace PartnerMesh.Gateway.ApiKeys;

public static class ApiKeyEndpoints
{
    /// <summary>A key as the admin API shows it (never its hash), translated to SQL by EF.</summary>
    private static readonly Expression<Func<ApiKey, ApiKeyResponse>> ToResponse = key => new ApiKeyResponse(
        key.Id, key.Name, key.Scope, key.RateLimitPerMinute, key.CreatedAt, key.RevokedAt, key.LastUsedAt, key.ExpiresAt, key.ReplacedByKeyId);

    private static readonly Func<ApiKey, ApiKeyResponse> Present = ToResponse.Compile();

    /// <summary>Longest lifetime a key can be given, and longest rotation overlap.</summary>
    private static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(3 * 365);
    private static readonly TimeSpan MaxOverlap = TimeSpan.FromDays(30);

    public static RouteGroupBuilder MapApiKeyEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/gateway/keys")
            .WithTags("ApiKeys")
            .RequireAuthorization(ApiKeyAuthentication.AdminPolicy)
            .WithMetadata(new GatewayRouteMetadata("gateway-keys"));

        group.MapPost("", CreateApiKey).WithName(nameof(CreateApiKey)).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("", ListApiKeys).WithName(nameof(ListApiKeys));
        group.MapGet("/{id}", GetApiKey).WithName(nameof(GetApiKey));
        group.MapDelete("/{id}", RevokeApiKey).WithName(nameof(RevokeApiKey));
        group.MapPost("/{id}/rotate", RotateApiKey).WithName(nameof(RotateApiKey)).ProducesProblem(StatusCodes.Status409Conflict);

        return group;
    }

    /// <summary>
    /// With an <c>Idempotency-Key</c>, a retry of the same request answers 200 with the key it created but never its
    /// secret again (only its hash is stored); the same idempotency key with another request is a 409.
    /// </summary>
    private static async Task<Results<Created<CreatedApiKeyResponse>, Ok<ApiKeyResponse>, ValidationProblem, ProblemHttpResult>> CreateApiKey(
        CreateApiKeyRequest request, [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey, ApiKeyService keys,
        TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var errors = Validate(request, timeProvider.GetUtcNow());
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (IdempotencyKeys.Validate(idempotencyKey) is { } keyProblem)
        {
            return keyProblem;
        }

        var scope = request.Scope!;
        var rateLimit = request.RateLimitPerMinute ?? ApiKeyScopes.DefaultRateLimitPerMinute(scope);
        var result = await keys.CreateAsync(
            request.Name!.Trim(), scope, rateLimit, request.ExpiresAt, IdempotentRequest.Of(idempotencyKey, request), cancellationToken);
        return result.Replayed is { } replayed
            ? TypedResults.Ok(Present(replayed))
            : result.IdempotencyConflict is { } conflict
                ? IdempotencyKeys.Reused(conflict)
                : TypedResults.Created($"/api/gateway/keys/{result.Created!.Key.Id}", Describe(result.Created));
    }

    /// <summary>
    /// Rotates a key without downtime: the new key is answered once, here; the old one keeps working until it is revoked
    /// (<c>DELETE</c>) or, with <c>overlapMinutes</c>, until that many minutes from now. A retry with the same
    /// <c>Idempotency-Key</c> answers 200 with the new key, without its secret.
    /// </summary>
    private static async Task<Results<Created<CreatedApiKeyResponse>, Ok<ApiKeyResponse>, NotFound, ValidationProblem, ProblemHttpResult>> RotateApiKey(
        string id, RotateApiKeyRequest? request, [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey, ApiKeyService keys,
        CancellationToken cancellationToken)
    {
        if (request?.OverlapMinutes is { } minutes && (minutes < 0 || TimeSpan.FromMinutes(minutes) > MaxOverlap))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["overlapMinutes"] = [$"Overlap must be between 0 and {MaxOverlap.TotalMinutes:0} minutes."],
            });
        }

        if (IdempotencyKeys.Validate(idempotencyKey) is { } keyProblem)
        {
            return keyProblem;
        }

        if (!ApiKeyFormat.IsValidKeyId(id))
        {
            return TypedResults.NotFound();
        }

        var overlap = request?.OverlapMinutes is { } value ? TimeSpan.FromMinutes(value) : (TimeSpan?)null;
        var idempotency = IdempotentRequest.Of(idempotencyKey, new { rotate = id, request?.OverlapMinutes });
        return await keys.RotateAsync(id, overlap, idempotency, cancellationToken) switch
        {
            { Created: { } created } => TypedResults.Created($"/api/gateway/keys/{created.Key.Id}", Describe(created)),
            { Replayed: { } replayed } => TypedResults.Ok(Present(replayed)),
            { IdempotencyConflict: { } conflict } => IdempotencyKeys.Reused(conflict),
            { Refused: { } refused } => TypedResults.Problem(refused, statusCode: StatusCodes.Status409Conflict, title: "The key cannot be rotated."),
            _ => TypedResults.NotFound(),
        };
    }

    private static CreatedApiKeyResponse Describe(CreatedApiKey created) => new(
        created.Key.Id, created.Key.Name, created.Key.Scope, created.Key.RateLimitPerMinute, created.Key.CreatedAt, created.Key.ExpiresAt,
        created.PlainTextKey);

    /// <summary>Oldest first, cursor-paged: <c>?limit=</c> (1–200, default 50) and <c>?after=</c> the previous page's <c>nextCursor</c>.</summary>
    private static async Task<Results<Ok<PageResponse<ApiKeyResponse>>, ValidationProblem>> ListApiKeys(
        int? limit, string? after, GatewayDbContext db, CancellationToken cancellationToken)
    {
        if (ApiKeyPaging.Validate(limit, after, out var take, out var cursor) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var query = db.ApiKeys.AsNoTracking();
        if (cursor is { CreatedAt: var createdAt, Id: var id })
        {
            query = query.Where(key => key.CreatedAt > createdAt || (key.CreatedAt == createdAt && key.Id.CompareTo(id) > 0));
        }

        var rows = await query.OrderBy(key => key.CreatedAt).ThenBy(key => key.Id).Take(take + 1).Select(ToResponse).ToListAsync(cancellationToken);
        var items = rows.Take(take).ToList();
        var nextCursor = rows.Count > take ? ApiKeyPaging.Encode(new(items[^1].CreatedAt, items[^1].Id)) : null;
        return TypedResults.Ok(new PageResponse<ApiKeyResponse>(items, nextCursor));
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

    private static Dictionary<string, string[]> Validate(CreateApiKeyRequest request, DateTimeOffset now)
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

        if (request.ExpiresAt is { } expiresAt && (expiresAt <= now.AddMinutes(1) || expiresAt > now + MaxLifetime))
        {
            errors["expiresAt"] = [$"Expiry must be at least a minute and at most {MaxLifetime.TotalDays:0} days from now."];
        }

        return errors;
    }
}

/// <param name="ExpiresAt">Optional: when the key stops working on its own (a rotation gives the new key the same lifetime).</param>
public sealed record CreateApiKeyRequest([Required] string? Name, [Required] string? Scope, int? RateLimitPerMinute, DateTimeOffset? ExpiresAt = null);

/// <param name="OverlapMinutes">Optional: the old key expires this long from now; without it, it works until revoked.</param>
public sealed record RotateApiKeyRequest(int? OverlapMinutes);

/// <summary>The only response that ever carries the plain key.</summary>
public sealed record CreatedApiKeyResponse(
    string Id, string Name, string Scope, int RateLimitPerMinute, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, string ApiKey);

/// <summary>A key as listed: never its secret or hash.</summary>
public sealed record ApiKeyResponse(
    string Id,
    string Name,
    string Scope,
    int RateLimitPerMinute,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset? ExpiresAt,
    string? ReplacedByKeyId);
