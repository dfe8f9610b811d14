using System.Text.RegularExpressions;
using PartnerMesh.Attribution.Api.Common;

namespace PartnerMesh.Attribution.Api.Conversions;

public sealed record RecordConversionRequest(string? OrderId, Guid? ClickId, decimal? Amount, string? Currency, DateTimeOffset? OrderedAt);

public sealed record ConversionResponse(
    Guid ConversionId,
    string OrderId,
    bool Attributed,
    Guid? PartnerId,
    Guid? ClickId,
    decimal Amount,
    string Currency,
    decimal CommissionAmount,
    string Reason)
{
    public static ConversionResponse From(Conversion conversion) => new(
        conversion.Id,
        conversion.OrderId,
        conversion.Attributed,
        conversion.PartnerId,
        conversion.ClickId,
        Money.ToCents(conversion.Amount),
        conversion.Currency,
        Money.ToCents(conversion.CommissionAmount),
        conversion.Reason);
}

public static partial class ConversionRules
{
    public const int MaxOrderIdLength = 100;

    /// <summary>Storefront clocks may run this far ahead of ours.</summary>
    public static readonly TimeSpan MaxFutureSkew = TimeSpan.FromMinutes(5);

    /// <summary>Older orders cannot be attributed under any window; such a date is a mistake.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(366);

    public static Dictionary<string, string[]>? Validate(RecordConversionRequest request, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();

        if (!IsValidOrderId(request.OrderId))
        {
            errors["orderId"] = [$"orderId is required: 1-{MaxOrderIdLength} characters of A-Z, a-z, 0-9, '.', '_', ':' and '-'."];
        }

        if (request.Amount is not { } amount || amount <= 0 || amount > Money.MaxAmount || !Money.HasAtMostDecimals(amount, 2))
        {
            errors["amount"] = [$"amount is required: greater than 0, at most {Money.MaxAmount:0}, with at most 2 decimals."];
        }

        if (request.Currency is null || !CurrencyPattern().IsMatch(request.Currency))
        {
            errors["currency"] = ["currency is required: an ISO 4217 code of 3 uppercase letters."];
        }

        if (request.OrderedAt is { } orderedAt && (orderedAt > now + MaxFutureSkew || orderedAt < now - MaxAge))
        {
            errors["orderedAt"] = ["orderedAt must not be more than 5 minutes in the future nor more than a year in the past."];
        }

        if (request.ClickId == Guid.Empty)
        {
            errors["clickId"] = ["clickId must be a click id returned by the redirect."];
        }

        return errors.Count == 0 ? null : errors;
    }

    public static bool IsValidOrderId(string? orderId) => orderId is not null && OrderIdPattern().IsMatch(orderId);

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,100}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex OrderIdPattern();

    [GeneratedRegex("^[A-Z]{3}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex CurrencyPattern();
}
