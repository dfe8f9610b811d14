using PartnerMesh.ServiceDefaults.Security;
using System.Security.Claims;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Attribution.Api.Common;

/// <summary>
/// A creating request sent with an <c>Idempotency-Key</c>: the key is the caller's own (<see cref="Actor"/>) and scoped to
/// the <paramref name="Operation"/> (the endpoint's name); the fingerprint is what a retry must say again.
/// </summary>
public sealed record IdempotentRequest(string Caller, string Operation, string Key, string Fingerprint)
{
    /// <summary>Null without a key. Expects a key that passed <see cref="IdempotencyKeys.Validate"/>.</summary>
    /// <param name="request">The body, and the route values that name the parent when there are any.</param>
    public static IdempotentRequest? Of(ClaimsPrincipal user, string operation, string? key, object request) =>
        key is null ? null : new(Actor.Of(user), operation, key, IdempotencyKeys.Fingerprint(request));
}
