using PartnerMesh.Promotions.Api.Evaluations;
using PartnerMesh.Promotions.Domain.Money;
using PartnerMesh.ServiceDefaults.Orders;

namespace PartnerMesh.Promotions.Api.Orders;

public static class VerifyOrderRules
{
    public static Dictionary<string, string[]>? Validate(VerifyOrderRequest request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!OrderIds.IsValid(request.OrderId))
        {
            errors["orderId"] = [OrderIds.Rule];
        }

        if (request.Quote is null)
        {
            errors["quote"] = ["The quote the order was priced with is required."];
        }

        if (request.Order is null)
        {
            errors["order"] = ["The order's cart and context are required."];
        }
        else if (EvaluateRequestRules.Validate(request.Order) is { } orderErrors)
        {
            foreach (var (key, messages) in orderErrors)
            {
                errors[$"order.{key}"] = messages;
            }
        }

        // What was charged is an amount of the order's currency, at most what a cart can total (else PostgreSQL overflows).
        var currency = Currencies.IsSupported(request.Order?.Currency) ? request.Order!.Currency : null;
        foreach (var (name, charged) in new[] { ("chargedGrandTotal", request.ChargedGrandTotal), ("chargedDiscountTotal", request.ChargedDiscountTotal) })
        {
            if (charged is not { } amount)
            {
                errors[name] = ["What was charged (chargedGrandTotal, chargedDiscountTotal) is required."];
            }
            else if (EvaluateRequestRules.AmountProblem(amount, currency, EvaluateRequestRules.MaxCartTotal) is { } problem)
            {
                errors[name] = [problem];
            }
        }

        return errors.Count == 0 ? null : errors;
    }
}
