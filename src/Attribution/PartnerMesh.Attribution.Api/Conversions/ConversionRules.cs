using System.ComponentModel.DataAnnotations;
using PartnerMesh.ServiceDefaults.Customers;
using PartnerMesh.ServiceDefaults.Orders;
using PartnerMesh.Attribution.Api.Clicks;
using PartnerMesh.Attribution.Api.Common;
using PartnerMesh.Attribution.Api.Partners;
using PartnerMesh.Attribution.Api.Programs;

namespace PartnerMesh.Attribution.Api.Conversions;

public sealed record RecordConversionRequest(
    [Required] string? OrderId, Guid? ClickId, [Required] decimal? Amount, [Required] string? Currency, DateTimeOffset? OrderedAt,
    string? CustomerId = null, string? CustomerEmail = null, string? VisitorId = null, string? CouponCode = null,
    Guid? ProgramId = null, List<OrderLineRequest>? Lines = null)
{
    /// <summary>The lines as the commission maths reads them; only for a request that passed validation (every amount given).</summary>
    public List<OrderLine>? OrderLines() => Lines?.Select(line => new OrderLine(line.Category, line.Amount!.Value)).ToList();
}

/// <summary>An order line: its <see cref="Amount"/> (required; 0 for a free line) in the order currency, and an optional category.</summary>
public sealed record OrderLineRequest(string? Category, [Required] decimal? Amount);

public sealed record ConversionResponse(
    Guid ConversionId,
    string OrderId,
    bool Attributed,
    Guid? PartnerId,
    Guid? ClickId,
    decimal Amount,
    string Currency,
    decimal CommissionAmount,
    string? CommissionCurrency,
    string Reason,
    Guid? ProgramId = null,
    string? CommissionNote = null,
    string Status = ConversionStatus.Completed,
    decimal RefundedAmount = 0m)
{
    public static ConversionResponse From(Conversion conversion) => new(
        conversion.Id,
        conversion.OrderId,
        conversion.Attributed,
        conversion.PartnerId,
        conversion.ClickId,
        Money.Round(conversion.Amount, conversion.Currency),
        conversion.Currency,
        Money.Round(conversion.CommissionAmount, conversion.CommissionCurrency ?? conversion.Currency),
        conversion.CommissionCurrency,
        conversion.Reason,
        conversion.ProgramId,
        conversion.CommissionNote,
        conversion.Status,
        Money.Round(conversion.RefundedAmount, conversion.Currency));
}

public sealed record RecordRefundRequest(
    [Required] string? RefundId, [Required] string? OrderId, string? Kind, decimal? Amount, [Required] string? Currency, DateTimeOffset? RefundedAt);

/// <param name="CommissionReversed">The credited partner's sale commission this refund took back, in <paramref name="CommissionCurrency"/>.</param>
/// <param name="CommissionCurrency">
/// The sale commission's currency, as the conversion's <c>commissionCurrency</c> (the program's for a fixed commission on an
/// order in another currency); null when the order booked no sale commission.
/// </param>
public sealed record RefundResponse(
    string RefundId, string OrderId, string Kind, decimal Amount, string Currency, bool IsFullRefund, decimal CommissionReversed,
    string? CommissionCurrency, decimal OrderRefundedAmount, string OrderStatus, DateTimeOffset RefundedAt);

public static partial class ConversionRules
{
    public const int MaxCustomerIdLength = PartnerRules.MaxCustomerIdLength;
    public const int MaxLines = 500;

    public static readonly IReadOnlyList<string> RefundKinds = ["refund", "cancellation"];

    /// <summary>Storefront clocks may run this far ahead of ours.</summary>
    public static readonly TimeSpan MaxFutureSkew = TimeSpan.FromMinutes(5);

    /// <summary>Older orders cannot be attributed under any window; such a date is a mistake.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(366);

    public static Dictionary<string, string[]>? Validate(RecordConversionRequest request, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();

        if (!OrderIds.IsValid(request.OrderId))
        {
            errors["orderId"] = [$"orderId is required. {OrderIds.Rule}"];
        }

        var currencyValid = Money.IsCurrency(request.Currency);
        if (!currencyValid)
        {
            errors["currency"] = [$"currency is required: {Money.CurrencyRule}."];
        }

        var digits = currencyValid ? Money.MinorUnits(request.Currency!) : 2;
        if (request.Amount is not { } amount || amount <= 0 || amount > Money.MaxAmount || !Money.HasAtMostDecimals(amount, digits))
        {
            errors["amount"] = [$"amount is required: greater than 0, at most {Money.MaxAmount:0}, with at most {digits} decimals{(currencyValid ? $" for {request.Currency}" : "")}."];
        }

        if (request.OrderedAt is { } orderedAt && (orderedAt > now + MaxFutureSkew || orderedAt < now - MaxAge))
        {
            errors["orderedAt"] = ["orderedAt must not be more than 5 minutes in the future nor more than a year in the past."];
        }

        if (request.ClickId == Guid.Empty)
        {
            errors["clickId"] = ["clickId must be a click id returned by the redirect."];
        }

        if (request.CustomerId is { } customerId && !PartnerRules.IsValidCustomerId(customerId))
        {
            errors["customerId"] = [$"customerId must be 1-{MaxCustomerIdLength} printable characters."];
        }

        if (request.CustomerEmail is { } email && CustomerEmail.Normalize(email) is null)
        {
            errors["customerEmail"] = [$"customerEmail must be an email address. {CustomerEmail.Rule}"];
        }

        if (request.VisitorId is { } visitorId && !ClickDetails.IsValidVisitorId(visitorId))
        {
            errors["visitorId"] = [$"visitorId must be 1-{ClickDetails.MaxVisitorIdLength} characters of A-Z, a-z, 0-9, '-' and '_'."];
        }

        if (request.CouponCode is { } code && (code.Length is 0 or > 64 || code.Any(char.IsControl)))
        {
            errors["couponCode"] = ["couponCode must be 1-64 printable characters."];
        }

        if (request.Lines is { } lines)
        {
            if (lines.Count > MaxLines || lines.Any(line => line is null || line.Amount < 0 || line.Amount is { } amount && !Money.HasAtMostDecimals(amount, digits)
                || line.Category is { Length: 0 or > 100 }))
            {
                errors["lines"] = [$"lines: at most {MaxLines}, each with a non-negative amount (at most {digits} decimals) and an optional category of 1-100 characters."];
            }
            else if (lines.FindIndex(line => line.Amount is null) is var missing and >= 0)
            {
                // Not read as 0: a line without its amount would silently earn nothing (or the base terms for the rest).
                errors[$"lines[{missing}].amount"] = [$"lines[{missing}].amount is required: the line's amount in the order currency (0 for a free line)."];
            }
            else if (request.Amount is { } total && lines.Sum(line => line.Amount!.Value) > total)
            {
                errors["lines"] = ["lines must not add up to more than the order amount."];
            }
        }

        return errors.Count == 0 ? null : errors;
    }

    public static Dictionary<string, string[]>? Validate(RecordRefundRequest request, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        if (!OrderIds.IsValid(request.RefundId))
        {
            errors["refundId"] = ["refundId is required, by the order id rule: 1 to 100 characters, not only spaces, no '/', no control characters, not '.' or '..'."];
        }

        if (!OrderIds.IsValid(request.OrderId))
        {
            errors["orderId"] = [$"orderId is required. {OrderIds.Rule}"];
        }

        var kind = request.Kind ?? "refund";
        if (!RefundKinds.Contains(kind))
        {
            errors["kind"] = ["kind must be refund or cancellation."];
        }

        var currencyValid = Money.IsCurrency(request.Currency);
        if (!currencyValid)
        {
            errors["currency"] = [$"currency is required: {Money.CurrencyRule}."];
        }

        var digits = currencyValid ? Money.MinorUnits(request.Currency!) : 2;
        if (request.Amount is { } amount ? amount <= 0 || amount > Money.MaxAmount || !Money.HasAtMostDecimals(amount, digits) : kind == "refund")
        {
            errors["amount"] = [$"amount is required for a refund: greater than 0 with at most {digits} decimals (a cancellation may omit it)."];
        }

        // A refund dated ahead would place its clawback (and analytics' net revenue) in a period that has not come yet.
        if (request.RefundedAt is { } refundedAt && refundedAt > now + MaxFutureSkew)
        {
            errors["refundedAt"] = ["refundedAt must not be more than 5 minutes in the future."];
        }

        return errors.Count == 0 ? null : errors;
    }
}
