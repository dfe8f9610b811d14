namespace PartnerMesh.Coupons.Api.Codes;

/// <summary>
/// Every key a shopper presents (<see cref="CustomerKeys"/>): a signed-in shopper who also gives an e-mail is both
/// <c>id:…</c> and <c>email:…</c>, and a use counts against each, so checking out later as a guest with that e-mail (or
/// signed in, after a guest order) finds the limit reached.
/// </summary>
public sealed record CustomerIdentity(string? IdKey, string? EmailKey)
{
    public static readonly CustomerIdentity None = new(null, null);

    /// <summary>The key rows and events are filed under: the id when known, otherwise the e-mail.</summary>
    public string? Key => IdKey ?? EmailKey;

    public bool IsEmpty => Key is null;

    /// <summary>The keys in ascending order (the order counters are locked in).</summary>
    public IReadOnlyList<string> Keys => (IdKey, EmailKey) switch
    {
        ({ } id, { } email) => string.CompareOrdinal(email, id) < 0 ? [email, id] : [id, email],
        ({ } id, null) => [id],
        (null, { } email) => [email],
        _ => [],
    };

    public bool Has(string? key) => key is not null && (key == IdKey || key == EmailKey);
}
