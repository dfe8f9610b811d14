namespace PartnerMesh.Analytics.Api.Kpis;

/// <summary>The one currency rule of analytics (events, campaigns, reports): an ISO 4217 code of three ASCII letters, any case.</summary>
public static class CurrencyCode
{
    public const string Rule = "An ISO 4217 code of three letters.";

    public static bool IsValid(string? currency) => currency is { Length: 3 } && currency.All(char.IsAsciiLetter);
}
