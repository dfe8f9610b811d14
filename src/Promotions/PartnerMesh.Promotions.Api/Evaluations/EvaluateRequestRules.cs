using PartnerMesh.Contracts.Codes;
using PartnerMesh.Promotions.Domain.Evaluation;
using PartnerMesh.Promotions.Domain.Money;
using PartnerMesh.ServiceDefaults.Customers;

namespace PartnerMesh.Promotions.Api.Evaluations;

/// <summary>Refuses carts that cannot be priced exactly: every problem, keyed by JSON path, in one validation problem.</summary>
public static class EvaluateRequestRules
{
    public const int MaxLines = 500;
    public const int MaxQuantity = 10_000;
    public const int MaxCodes = 20;
    public const int MaxIdLength = 100;
    public const decimal MaxAmount = Currencies.MaxAmount;

    /// <summary>The most a cart can total: every line at the largest quantity and price, plus shipping.</summary>
    public const decimal MaxCartTotal = MaxLines * MaxQuantity * MaxAmount + MaxAmount;

    public static Dictionary<string, string[]>? Validate(EvaluateRequest request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var currency = request.Currency;
        if (!Currencies.IsSupported(currency))
        {
            errors["currency"] = [$"'{currency}' is not a supported ISO 4217 currency code (upper case, e.g. EUR)."];
            currency = null;
        }

        var lines = request.Lines;
        if (lines is null || lines.Count == 0)
        {
            errors["lines"] = ["A cart has at least one line."];
        }
        else if (lines.Count > MaxLines)
        {
            errors["lines"] = [$"At most {MaxLines} lines per cart ({lines.Count} sent)."];
        }
        else
        {
            var ids = new HashSet<string>(StringComparer.Ordinal);
            for (var index = 0; index < lines.Count; index++)
            {
                ValidateLine(index, lines[index], currency, ids, errors);
            }
        }

        if (request.Shipping is { } shipping)
        {
            if (AmountProblem(shipping, currency) is { } problem)
            {
                errors["shipping"] = [problem];
            }
        }

        if (request.Codes is { } codes)
        {
            if (codes.Count > MaxCodes)
            {
                errors["codes"] = [$"At most {MaxCodes} codes."];
            }
            // Measured as the code reads (trimmed, NFKC: the shared rule), so a padded 64-character code is that code.
            else if (codes.Any(code => code is null || PromotionCodes.Normalize(code).Length is 0 or > CouponCodeFormat.MaxLength))
            {
                errors["codes"] = [$"Codes are 1 to {CouponCodeFormat.MaxLength} characters, after trimming and Unicode NFKC normalisation."];
            }
        }

        if (request.Touchpoint is { } touchpoint && !Enum.IsDefined(touchpoint))
        {
            errors["touchpoint"] = ["One of productPage, cart, checkout."];
        }

        if (request.Customer is { } customer)
        {
            if (customer.Id is { } customerId && !IsId(customerId))
            {
                errors["customer"] = ["A customer id has 1 to 100 characters, not all blank."];
            }

            // Checked as it is keyed (the shared CustomerEmail rule), so the limit counts the address, not spaces or
            // invisible characters around it.
            if (customer.Email is { } email && CustomerEmail.Normalize(email) is null)
            {
                errors["customer.email"] = [CustomerEmail.Rule];
            }

            if (customer.Segments is { } segments && (segments.Count > 100 || segments.Any(string.IsNullOrWhiteSpace)))
            {
                errors["customer.segments"] = ["At most 100 non-empty segments."];
            }

            if (customer.PreviousOrders is < 0)
            {
                errors["customer.previousOrders"] = ["Cannot be negative."];
            }
        }

        if ((request.VisitorId is { } visitorId && !IsId(visitorId)) || request.UtmSource is { Length: > 200 })
        {
            errors["visitorId"] = ["A visitor id has 1 to 100 characters, not all blank; a UTM source at most 200."];
        }

        if (request.CheckoutId is { } checkoutId && !IsId(checkoutId.Trim()))
        {
            errors["checkoutId"] = [$"A checkout id has 1 to {MaxIdLength} characters, not all blank."];
        }

        if (request.PartnerId == Guid.Empty || request.ClickId == Guid.Empty)
        {
            errors["partnerId"] = ["Partner and click ids are non-empty GUIDs."];
        }

        return errors.Count == 0 ? null : errors;
    }

    /// <summary>A sticky id (visitor or customer): a blank one would put every blank-id shopper in one bucket.</summary>
    private static bool IsId(string id) => id.Length <= MaxIdLength && !string.IsNullOrWhiteSpace(id);

    /// <summary>Paths are built only for problems: a valid line costs no strings.</summary>
    private static void ValidateLine(int index, CartLineRequest? line, string? currency, HashSet<string> ids, Dictionary<string, string[]> errors)
    {
        if (line is null)
        {
            errors[$"lines[{index}]"] = ["A line cannot be null."];
            return;
        }

        if (string.IsNullOrWhiteSpace(line.Id) || line.Id.Length > MaxIdLength)
        {
            errors[$"lines[{index}].id"] = [$"A line id has 1 to {MaxIdLength} characters."];
        }
        else if (!ids.Add(line.Id))
        {
            errors[$"lines[{index}].id"] = [$"Line id '{line.Id}' appears twice."];
        }

        if (string.IsNullOrWhiteSpace(line.ProductId) || line.ProductId.Length > MaxIdLength)
        {
            errors[$"lines[{index}].productId"] = [$"A product id has 1 to {MaxIdLength} characters."];
        }

        if (line.Quantity is not (>= 1 and <= MaxQuantity))
        {
            errors[$"lines[{index}].quantity"] = [$"A quantity is a whole number from 1 to {MaxQuantity:N0}."];
        }

        if (line.UnitPrice is not { } price)
        {
            errors[$"lines[{index}].unitPrice"] = ["A unit price is required."];
        }
        else if (AmountProblem(price, currency) is { } problem)
        {
            errors[$"lines[{index}].unitPrice"] = [problem];
        }

        if ((line.Categories?.Count ?? 0) > 50 || (line.Collections?.Count ?? 0) > 50
            || line.Categories?.Any(string.IsNullOrWhiteSpace) == true || line.Collections?.Any(string.IsNullOrWhiteSpace) == true)
        {
            errors[$"lines[{index}].categories"] = ["At most 50 non-empty categories and 50 collections per line."];
        }
    }

    internal static string? AmountProblem(decimal amount, string? currency, decimal max = MaxAmount) =>
        amount < 0 ? "Cannot be negative."
        : amount > max ? $"At most {max:N0}."
        : currency is not null && !Currencies.IsWholeMinorUnits(amount, currency) ? $"{currency} amounts have at most {Currencies.MinorUnitsOf(currency)} decimals."
        : null;

    /// <summary>The domain's view of a request that passed <see cref="Validate"/>.</summary>
    public static (Cart Cart, EvaluationContext Context) ToDomain(EvaluateRequest request, DateTimeOffset now)
    {
        var cart = new Cart
        {
            Currency = request.Currency!,
            Shipping = request.Shipping ?? 0m,
            Lines = [.. request.Lines!.Select(line => new CartLine
            {
                Id = line.Id!,
                ProductId = line.ProductId!,
                Quantity = line.Quantity!.Value,
                UnitPrice = line.UnitPrice!.Value,
                Categories = line.Categories ?? [],
                Collections = line.Collections ?? [],
            })],
        };
        var customer = request.Customer ?? new CustomerRequest();
        var context = new EvaluationContext
        {
            Customer = new Customer
            {
                Id = customer.Id,
                Email = CustomerEmail.Normalize(customer.Email),
                IsGuest = customer.Guest,
                Segments = customer.Segments ?? [],
                PreviousOrders = customer.PreviousOrders,
            },
            VisitorId = request.VisitorId?.Trim(), // " v-9 " is visitor v-9: one rollout bucket, one experiment arm
            ClickId = request.ClickId,
            PartnerId = request.PartnerId,
            UtmSource = request.UtmSource,
            Codes = request.Codes ?? [],
            Touchpoint = request.Touchpoint ?? Touchpoint.Cart,
            At = request.At ?? now,
        };
        return (cart, context);
    }
}
