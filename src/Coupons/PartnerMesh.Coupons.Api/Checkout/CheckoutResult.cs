using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Coupons.Api.Checkout;

public enum CheckoutOutcome
{
    Done,

    /// <summary>Replayed by the request's own ids (checkout, order, refund id): the answer of an earlier request.</summary>
    Replayed,

    /// <summary>Replayed for its <c>Idempotency-Key</c>: what the request that took the key created, with the status it got.</summary>
    KeyReplayed,

    Refused,
    NotFound,

    /// <summary>A field is wrong for what it refers to (a refund amount finer than its order's currency): a 400 naming it.</summary>
    Invalid,
}

/// <summary>What a storefront call did: done (or replayed, with the first answer), or refused with an HTTP status and a reason.</summary>
public sealed record CheckoutResult<T>(
    CheckoutOutcome Outcome, T? Value, int Status = 0, string? Reason = null, string? Detail = null, Dictionary<string, string[]>? Errors = null)
    where T : class;

public static class CheckoutResult
{
    public static CheckoutResult<T> Done<T>(T value)
        where T : class => new(CheckoutOutcome.Done, value);

    public static CheckoutResult<T> Replayed<T>(T value)
        where T : class => new(CheckoutOutcome.Replayed, value);

    public static CheckoutResult<T> KeyReplayed<T>(T value)
        where T : class => new(CheckoutOutcome.KeyReplayed, value);

    public static CheckoutResult<T> KeyReused<T>()
        where T : class => Conflict<T>(CouponReasons.IdempotencyKeyReused,
            $"This {IdempotencyKeys.Header} was already used with a different request; send a new key for a new request.");

    public static CheckoutResult<T> NotFound<T>()
        where T : class => new(CheckoutOutcome.NotFound, null);

    public static CheckoutResult<T> Refused<T>(int status, string reason, string detail)
        where T : class => new(CheckoutOutcome.Refused, null, status, reason, detail);

    public static CheckoutResult<T> Invalid<T>(Dictionary<string, string[]> errors)
        where T : class => new(CheckoutOutcome.Invalid, null, StatusCodes.Status400BadRequest, Errors: errors);

    public static CheckoutResult<T> Conflict<T>(string reason, string detail)
        where T : class => Refused<T>(StatusCodes.Status409Conflict, reason, detail);
}
