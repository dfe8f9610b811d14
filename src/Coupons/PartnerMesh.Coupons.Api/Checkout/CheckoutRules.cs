using PartnerMesh.Contracts.Codes;
using PartnerMesh.Contracts.Money;
using PartnerMesh.Coupons.Api.Codes;
using PartnerMesh.ServiceDefaults.Customers;
using PartnerMesh.ServiceDefaults.Orders;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Coupons.Api.Checkout;

/// <summary>Input checks of the storefront calls; a failure is a 400 naming the field.</summary>
public static class CheckoutRules
{
    public const int MaxTtlSeconds = 86_400;
    public const int DefaultTtlSeconds = 900;
    public const decimal MaxAmount = 1_000_000_000m;
    public const int MaxReferrerLength = 2_000;

    public static Dictionary<string, string[]>? Validate(ValidateCouponRequest request, out string code)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        CheckCode(request.Code, errors, out code);
        CheckCustomer(request.Customer, errors);
        CheckPartner(request.PartnerId, errors);
        CheckAmount("cartTotal", request.CartTotal, required: false, errors);
        CheckCurrency(request.Currency, required: request.CartTotal is not null, errors);
        CheckPrecision("cartTotal", request.CartTotal, request.Currency, errors);
        CheckCheckout(request.CheckoutId, request.QuoteId, errors);
        if (request.OrderId is not null && !OrderIds.IsValid(request.OrderId))
        {
            errors["orderId"] = [OrderIds.Rule];
        }

        return errors.Count == 0 ? null : errors;
    }

    public static Dictionary<string, string[]>? Validate(ReserveCouponRequest request, out string code)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        CheckCode(request.Code, errors, out code);
        CheckCustomer(request.Customer, errors);
        CheckPartner(request.PartnerId, errors);
        CheckAmount("cartTotal", request.CartTotal, required: true, errors);
        CheckCurrency(request.Currency, required: true, errors);
        CheckPrecision("cartTotal", request.CartTotal, request.Currency, errors);
        CheckCheckout(request.CheckoutId, request.QuoteId, errors);

        if (request.TtlSeconds is < 1 or > MaxTtlSeconds)
        {
            errors["ttlSeconds"] = [$"ttlSeconds must be between 1 and {MaxTtlSeconds} (default {DefaultTtlSeconds})."];
        }

        return errors.Count == 0 ? null : errors;
    }

    public static Dictionary<string, string[]>? Validate(RedeemCouponRequest request, out string code)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        CheckCode(request.Code, errors, out code);
        CheckCustomer(request.Customer, errors);
        CheckPartner(request.PartnerId, errors);
        CheckAmount("orderTotal", request.OrderTotal, required: true, errors);
        CheckCurrency(request.Currency, required: true, errors);
        CheckPrecision("orderTotal", request.OrderTotal, request.Currency, errors);
        CheckAmount("cartTotal", request.CartTotal, required: false, errors);
        CheckPrecision("cartTotal", request.CartTotal, request.Currency, errors);
        if (!OrderIds.IsValid(request.OrderId))
        {
            errors["orderId"] = [OrderIds.Rule];
        }

        if (request.Referrer is { Length: > MaxReferrerLength })
        {
            errors["referrer"] = [$"A referrer has at most {MaxReferrerLength} characters."];
        }

        return errors.Count == 0 ? null : errors;
    }

    public static Dictionary<string, string[]>? Validate(RefundRequest? request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request?.RefundId is { } refundId && !IsValidId(refundId))
        {
            errors["refundId"] = ["A refundId has 1 to 100 characters: the same refund sent again with it is counted once."];
        }

        if (request?.Amount is { } amount && (amount <= 0 || amount > MaxAmount || decimal.Round(amount, 4) != amount))
        {
            errors["amount"] = ["A refund amount is positive, with no more decimals than the order's currency has; leave it out for a full refund."];
        }

        return errors.Count == 0 ? null : errors;
    }

    /// <summary>A refund amount in the order's currency (what its redemptions recorded): no digits below its minor unit.</summary>
    public static Dictionary<string, string[]>? ValidateRefund(decimal amount, IEnumerable<string> currencies)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var currency in currencies.Distinct(StringComparer.Ordinal))
        {
            CheckPrecision("amount", amount, currency, errors);
        }

        return errors.Count == 0 ? null : errors;
    }

    public static bool IsValidId(string? id) => id is { Length: >= 1 and <= 100 } && !string.IsNullOrWhiteSpace(id);

    /// <summary>The shared rule (<see cref="CurrencyCodes"/>): three letters in any case, upper-cased; never trimmed,
    /// so <c>" EUR"</c> stays unknown and is refused.</summary>
    public static string NormalizeCurrency(string currency) => CurrencyCodes.Normalize(currency);

    private static void CheckCode(string? input, Dictionary<string, string[]> errors, out string code)
    {
        if (!CouponCodeFormat.TryNormalize(input, out code))
        {
            errors["code"] = [CouponCodeFormat.Rule];
        }
    }

    /// <summary><c>checkoutId</c> and <c>quoteId</c> are two names of one checkout: either, or both with the same value; two
    /// different ids are refused rather than one silently dropped (a retry naming the other would take a second hold).</summary>
    private static void CheckCheckout(string? checkoutId, string? quoteId, Dictionary<string, string[]> errors)
    {
        if ((checkoutId ?? quoteId) is { } checkout && !IsValidId(checkout))
        {
            errors[checkoutId is null ? "quoteId" : "checkoutId"] = ["A checkout or quote id has 1 to 100 characters."];
        }
        else if (checkoutId is not null && quoteId is not null && !string.Equals(checkoutId, quoteId, StringComparison.Ordinal))
        {
            errors["quoteId"] = ["checkoutId and quoteId are two names of one checkout: send one of them (or both with the same value)."];
        }
    }

    private static void CheckCustomer(CustomerRef? customer, Dictionary<string, string[]> errors)
    {
        if (customer?.Id is { } id && !string.IsNullOrWhiteSpace(id) && !CustomerIds.IsValid(id))
        {
            errors["customer.id"] = [CustomerIds.Rule];
        }

        // Checked as it is keyed (the shared CustomerEmail rule): the limit counts once invisible characters and surrounding
        // spaces are gone and NFKC has run (it may lengthen an address, or fold a full-width '＠' to '@').
        if (customer?.Email is { } email && !string.IsNullOrWhiteSpace(email) && CustomerEmail.Normalize(email) is null)
        {
            errors["customer.email"] = [CustomerEmail.Rule];
        }
    }

    /// <summary>The traffic's partner: a partner id, or absent for traffic of no partner (the nil id is no partner's).</summary>
    private static void CheckPartner(Guid? partnerId, Dictionary<string, string[]> errors)
    {
        if (partnerId == Guid.Empty)
        {
            errors["partnerId"] = ["partnerId is a partner id or absent."];
        }
    }

    private static void CheckAmount(string field, decimal? amount, bool required, Dictionary<string, string[]> errors)
    {
        if (amount is null ? required : amount < 0 || amount > MaxAmount)
        {
            errors[field] = [$"{field} is {(required ? "required, " : "")}not negative and at most {MaxAmount}."];
        }
    }

    private static void CheckCurrency(string? currency, bool required, Dictionary<string, string[]> errors)
    {
        if (currency is null ? required : !IsCurrency(currency))
        {
            errors["currency"] = [$"currency is {Iso4217.Rule}."];
        }
    }

    /// <summary>An amount has no digits below its currency's minor unit (JPY 10.5, EUR 10.123 are not money).</summary>
    public static void CheckPrecision(string field, decimal? amount, string? currency, Dictionary<string, string[]> errors)
    {
        if (amount is { } value && currency is not null && IsCurrency(currency) && !errors.ContainsKey(field)
            && !Iso4217.Fits(value, NormalizeCurrency(currency)))
        {
            errors[field] = [$"{field} has more decimals than {NormalizeCurrency(currency)} has ({Iso4217.MinorUnitsOf(NormalizeCurrency(currency))})."];
        }
    }

    /// <summary>An active ISO 4217 currency (<see cref="Iso4217"/>, the list every service shares), in any case.</summary>
    public static bool IsCurrency(string currency) => Iso4217.IsActive(NormalizeCurrency(currency));
}
