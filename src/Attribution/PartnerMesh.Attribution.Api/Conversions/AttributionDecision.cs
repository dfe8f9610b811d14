namespace PartnerMesh.Attribution.Api.Conversions;

/// <summary>
/// A click that may credit a conversion: first followed at <paramref name="OccurredAt"/>, and last at
/// <paramref name="LastSeenAt"/> (its latest repeat collapsed into it; unset or earlier means none).
/// </summary>
public sealed record CandidateClick(Guid Id, Guid PartnerId, DateTimeOffset OccurredAt, DateTimeOffset LastSeenAt = default);

/// <summary>The terms attribution decides by (a program's, or the service defaults).</summary>
public sealed record AttributionTerms(string Model, TimeSpan Window, bool CouponPrecedence, bool CustomerCarriesCredit)
{
    public const string LastClickModel = "last-click";
    public const string FirstClickModel = "first-click";

    public static readonly IReadOnlyList<string> Models = [LastClickModel, FirstClickModel];
}

/// <summary>Who gets the credit and why; <see cref="PartnerId"/> is null when nobody does.</summary>
public sealed record Attribution(Guid? PartnerId, Guid? ClickId, string Reason)
{
    public bool Attributed => PartnerId is not null;
}

/// <summary>
/// Decides the partner for a conversion. Precedence: a partner's coupon code (when the program gives codes precedence),
/// then the partner the customer already belongs to (when the customer carries the credit), then clicks inside the
/// window by the program's model (last click or first click), then a code without precedence.
/// </summary>
public static class AttributionDecision
{
    public const string LastClick = "last-click";
    public const string FirstClick = "first-click";
    public const string CouponCode = "coupon-code";
    public const string CustomerCredit = "customer-credit";
    public const string NoClick = "no-click";
    public const string OutsideWindow = "outside-window";
    public const string ClickAfterOrder = "click-after-order";

    /// <summary>Storefront and attribution clocks may disagree by this much before a click counts as after the order.</summary>
    public static readonly TimeSpan ClockSkewTolerance = TimeSpan.FromMinutes(5);

    /// <returns>The reason code for one click; the conversion is attributed exactly when it is <see cref="LastClick"/>.</returns>
    public static string Decide(DateTimeOffset? clickedAt, DateTimeOffset orderedAt, TimeSpan window)
    {
        if (clickedAt is not { } clicked)
        {
            return NoClick;
        }

        if (clicked > orderedAt + ClockSkewTolerance)
        {
            return ClickAfterOrder;
        }

        return orderedAt - clicked > window ? OutsideWindow : LastClick;
    }

    public static Attribution Decide(
        AttributionTerms terms, Guid? couponPartnerId, Guid? customerPartnerId, IReadOnlyList<CandidateClick> clicks, DateTimeOffset orderedAt)
    {
        var eligible = clicks
            .Where(click => Decide(click.OccurredAt, orderedAt, terms.Window) == LastClick)
            .OrderBy(click => click.OccurredAt).ThenBy(click => click.Id)
            .ToList();
        // Last touch first-to-last: a click's repeat collapsed into it is the shopper's latest visit through that link.
        var byLastTouch = eligible.OrderBy(click => LastTouch(click, orderedAt)).ThenBy(click => click.Id).ToList();

        if (couponPartnerId is { } codePartner && terms.CouponPrecedence)
        {
            return new Attribution(codePartner, byLastTouch.LastOrDefault(click => click.PartnerId == codePartner)?.Id, CouponCode);
        }

        if (customerPartnerId is { } customerPartner && terms.CustomerCarriesCredit)
        {
            return new Attribution(customerPartner, byLastTouch.LastOrDefault(click => click.PartnerId == customerPartner)?.Id, CustomerCredit);
        }

        if (eligible.Count > 0)
        {
            var winner = terms.Model == AttributionTerms.FirstClickModel ? eligible[0] : byLastTouch[^1];
            return new Attribution(winner.PartnerId, winner.Id, terms.Model == AttributionTerms.FirstClickModel ? FirstClick : LastClick);
        }

        if (couponPartnerId is { } partner)
        {
            return new Attribution(partner, null, CouponCode);
        }

        return new Attribution(null, clicks.Count == 1 ? clicks[0].Id : null, Unattributed([.. clicks.Select(click => click.OccurredAt)], orderedAt));
    }

    /// <summary>
    /// When the shopper last followed the click's link before the order: its latest collapsed repeat, unless that came
    /// after the order (beyond the clock skew), else the click itself.
    /// </summary>
    public static DateTimeOffset LastTouch(CandidateClick click, DateTimeOffset orderedAt) =>
        click.LastSeenAt > click.OccurredAt && click.LastSeenAt <= orderedAt + ClockSkewTolerance ? click.LastSeenAt : click.OccurredAt;

    /// <summary>
    /// Why clicks at these times credit nothing: none at all, all after the order (beyond the clock skew), else some too
    /// old. Also judges clicks older or later than the history a conversion reads.
    /// </summary>
    public static string Unattributed(IReadOnlyCollection<DateTimeOffset> clickedAt, DateTimeOffset orderedAt) =>
        clickedAt.Count == 0 ? NoClick
        : clickedAt.All(clicked => clicked > orderedAt + ClockSkewTolerance) ? ClickAfterOrder
        : OutsideWindow;
}
