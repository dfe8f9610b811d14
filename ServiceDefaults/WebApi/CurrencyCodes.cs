using System.Text.Json.Serialization.Metadata;

namespace PartnerMesh.ServiceDefaults.WebApi;

/// <summary>
/// The one form rule for a currency in a request body, for every service: a code of exactly three ASCII letters is read
/// in any case and upper-cased on the way in (<c>eur</c> → <c>EUR</c>); anything else (<c>" EUR"</c>, <c>"EURO"</c>,
/// <c>"€"</c>) is left as sent, so the service's own check against the ISO 4217 list refuses it with a 400 naming the
/// member. <see cref="Apply"/>, added to the shared JSON options by <c>AddWebApiDefaults</c>, does it for every string
/// member named <c>currency</c> or ending in <c>Currency</c> (<c>commissionCurrency</c>), at any depth, once the object is
/// read; answers are written as stored, and the OpenAPI schemas are unchanged.
/// </summary>
public static class CurrencyCodes
{
    /// <summary><paramref name="code"/> upper-cased when it is three ASCII letters; otherwise unchanged.</summary>
    public static string Normalize(string code) =>
        code.Length == 3 && code.All(char.IsAsciiLetter) ? code.ToUpperInvariant() : code;

    /// <summary>A type-info modifier: the currency members of an object type are normalised after it is read.</summary>
    public static void Apply(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        var currencies = type.Properties
            .Where(property => property.PropertyType == typeof(string) && property.Get is not null && property.Set is not null
                && (property.Name == "currency" || property.Name.EndsWith("Currency", StringComparison.Ordinal)))
            .ToArray();
        if (currencies.Length == 0)
        {
            return;
        }

        var earlier = type.OnDeserialized;
        type.OnDeserialized = value =>
        {
            foreach (var property in currencies)
            {
                if (property.Get!(value) is string code && Normalize(code) is var normalized && normalized != code)
                {
                    property.Set!(value, normalized);
                }
            }

            earlier?.Invoke(value);
        };
    }
}
