namespace PartnerMesh.Promotions.Domain.Definitions;

internal static class ActionRules
{
    public static void Validate(PromotionAction action, AmountChecker amounts, ErrorList errors)
    {
        switch (action)
        {
            case PercentOffItems percent:
                AmountChecker.CheckPercent("action.percent", percent.Percent, errors);
                OptionalFilter("action.filter", percent.Filter, errors);
                if (percent.MaxDiscount is { } cap)
                {
                    amounts.Check("action.maxDiscount", cap, allowZero: false);
                }

                break;
            case FixedOffItems fixedOff:
                amounts.Check("action.amountPerUnit", fixedOff.AmountPerUnit, allowZero: false);
                OptionalFilter("action.filter", fixedOff.Filter, errors);
                break;
            case FixedPrice fixedPrice:
                amounts.Check("action.unitPrice", fixedPrice.UnitPrice, allowZero: true);
                if (fixedPrice.Filter is null || fixedPrice.Filter.IsEmpty)
                {
                    errors.Add("action.filter", "A fixed price names the products, categories or collections it prices.");
                }

                OptionalFilter("action.filter", fixedPrice.Filter, errors);
                break;
            case BuyXGetY buyXGetY:
                ValidateBuyXGetY(buyXGetY, amounts, errors);
                break;
            case FreeGift gift:
                if (string.IsNullOrWhiteSpace(gift.ProductId))
                {
                    errors.Add("action.productId", "Name the gift's product.");
                }

                if (gift.Quantity is < 1 or > 100)
                {
                    errors.Add("action.quantity", "1 to 100 gifts.");
                }

                break;
            case PercentOffOrder percent:
                AmountChecker.CheckPercent("action.percent", percent.Percent, errors);
                if (percent.MaxDiscount is { } orderCap)
                {
                    amounts.Check("action.maxDiscount", orderCap, allowZero: false);
                }

                break;
            case FixedOffOrder fixedOrder:
                amounts.Check("action.amount", fixedOrder.Amount, allowZero: false);
                break;
            case TieredOrderDiscount tiered:
                ValidateTiers(tiered, amounts, errors);
                break;
            case PercentOffShipping shipping:
                AmountChecker.CheckPercent("action.percent", shipping.Percent, errors);
                break;
            case FixedOffShipping fixedShipping:
                amounts.Check("action.amount", fixedShipping.Amount, allowZero: false);
                break;
        }
    }

    private static void ValidateBuyXGetY(BuyXGetY action, AmountChecker amounts, ErrorList errors)
    {
        if (action.BuyQuantity is < 1 or > 1_000)
        {
            errors.Add("action.buyQuantity", "1 to 1,000.");
        }

        if (action.GetQuantity is < 1 or > 1_000)
        {
            errors.Add("action.getQuantity", "1 to 1,000.");
        }

        if (action.BuyFilter is null)
        {
            errors.Add("action.buyFilter", "Name what must be bought (an empty filter means any item).");
        }
        else
        {
            FilterRules.Validate("action.buyFilter", action.BuyFilter, errors);
        }

        OptionalFilter("action.getFilter", action.GetFilter, errors);
        if (action.AmountOffPerUnit is { } amountOff)
        {
            amounts.Check("action.amountOffPerUnit", amountOff, allowZero: false);
        }

        if (action.AmountOffPerUnit is not null && action.Percent is not null and not 100m)
        {
            errors.Add("action", "Give either percent or amountOffPerUnit, not both.");
        }
        else if (action.AmountOffPerUnit is null)
        {
            AmountChecker.CheckPercent("action.percent", action.Percent ?? 0m, errors);
        }

        if (action.MaxApplications is < 1)
        {
            errors.Add("action.maxApplications", "At least 1, or leave it out for no maximum.");
        }
    }

    /// <summary>
    /// Thresholds strictly increase and a higher tier never gives less. All tiers give the same kind of discount: a percent
    /// applies to the items left after item discounts while the threshold reads the subtotal before them, so whether a
    /// percent tier gives more than an amount tier depends on the cart and cannot be checked here.
    /// </summary>
    private static void ValidateTiers(TieredOrderDiscount action, AmountChecker amounts, ErrorList errors)
    {
        var tiers = action.Tiers ?? [];
        if (tiers.Count is 0 or > 20)
        {
            errors.Add("action.tiers", "1 to 20 tiers.");
            return;
        }

        DiscountTier? below = null;
        for (var index = 0; index < tiers.Count; index++)
        {
            var tier = tiers[index];
            var path = $"action.tiers[{index}]";
            if (tier is null)
            {
                errors.Add(path, "A tier cannot be null.");
                continue;
            }

            amounts.Check($"{path}.threshold", tier.Threshold, allowZero: false);
            if ((tier.AmountOff is null) == (tier.Percent is null))
            {
                errors.Add(path, "Each tier gives either amountOff or percent.");
                continue;
            }

            if (tier.AmountOff is { } amountOff)
            {
                amounts.Check($"{path}.amountOff", amountOff, allowZero: false);
            }
            else
            {
                AmountChecker.CheckPercent($"{path}.percent", tier.Percent!.Value, errors);
            }

            if (below is not null && tier.Threshold <= below.Threshold)
            {
                errors.Add($"{path}.threshold", "Tiers are listed by strictly increasing threshold.");
            }
            else if (below is not null && (tier.AmountOff is null) != (below.AmountOff is null))
            {
                errors.Add(path, $"Give {(below.AmountOff is null ? "percent" : "amountOff")}, like the tier below: whether a percent gives more " +
                    "than an amount depends on the cart, so a higher tier could give less. Use one kind per promotion.");
            }
            else if (below is not null && (tier.AmountOff ?? tier.Percent) < (below.AmountOff ?? below.Percent))
            {
                errors.Add(path, "A higher tier cannot give less than the tier below it.");
            }

            below = tier;
        }
    }

    private static void OptionalFilter(string path, ItemFilter? filter, ErrorList errors)
    {
        if (filter is not null)
        {
            FilterRules.Validate(path, filter, errors);
        }
    }
}
