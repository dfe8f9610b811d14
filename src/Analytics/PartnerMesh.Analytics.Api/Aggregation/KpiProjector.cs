using System.Text.Json;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.Analytics.Api.Segments;

namespace PartnerMesh.Analytics.Api.Aggregation;

/// <summary>
/// Applies log events, in log order, to the facts and the KPI counters. Every counter a rate divides by is counted
/// from the same fact as its numerator and on the same period and dimensions (a converted session on the session's
/// start, a recovered cart on the cart's creation, a coupon order on the order's time), so no rate exceeds 1 whatever
/// order events arrive in. Pure: the aggregator loads the facts and persists the result.
/// </summary>
public sealed class KpiProjector(ProjectionState state, TimeZoneInfo zone, SegmentOptions segmentOptions, DateTimeOffset now)
{
    private const string NoCurrency = "";

    private readonly List<(string Dimension, string Value, string Value2)> _rows = new(16);

    /// <summary>When the event being applied was taken in, never before its claimed time (see <see cref="CartFact.LastSeenAt"/>).</summary>
    private DateTimeOffset _seenAt;

    /// <param name="receivedAt">When analytics took the event in (its log row's <c>received_at</c>); defaults to its claimed time.</param>
    /// <param name="sequence">The event's log sequence (what a take-back waiting for its order is kept under).</param>
    public void Apply(AnalyticsEvent e, bool replayed, DateTimeOffset? receivedAt = null, long sequence = 0)
    {
        _seenAt = Later(receivedAt ?? e.OccurredAt, e.OccurredAt);
        switch (e.Type)
        {
            case EventTypes.PageView or EventTypes.ProductView or EventTypes.AddToCart or EventTypes.RemoveFromCart
                or EventTypes.CheckoutStarted or EventTypes.OrderCompleted:
                Behaviour(e, replayed);
                break;
            case EventTypes.ClickRecorded:
                if (e is { ClickId: { } clickId, PartnerId: { } clickPartner })
                {
                    state.ClickPartners[clickId] = clickPartner;
                    LinkClick(clickId, clickPartner);
                }

                Count(e.OccurredAt, new Dims(e.PartnerId, e.UtmCampaign, e.UtmSource ?? "referral", "click", []), NoCurrency, a => a.Clicks++);
                break;
            case EventTypes.ConversionAttributed:
            {
                var order = EnsureOrder(e, PartnerDims(e));
                // Attribution decides which partner is credited: the traffic source another source counted the order
                // under may be another partner's (a later reattribution has already decided, and stays).
                if (!order.Attributed && order.ReattributedAt is null && e.PartnerId is { } credited && order.PartnerId != credited)
                {
                    MoveToPartner(order, credited);
                }

                if (!order.Attributed)
                {
                    order.Attributed = true;
                    order.Commission = e.Commission ?? 0m;
                    order.CommissionCurrency = e.CommissionCurrency ?? order.Currency;
                    // The rows already hold what refunds told before reversed of it (and nothing of a rejected sale).
                    var booked = order.CommissionRejected ? 0m : order.Commission;
                    Count(order.OrderedAt, order.Dims, NoCurrency, a => a.AttributedOrders++);
                    Count(order.OrderedAt, order.Dims, CommissionCurrencyOf(order), a => a.Commission += booked);
                }

                break;
            }

            case EventTypes.ConversionReattributed:
                Reattributed(e);
                break;

            case EventTypes.CouponRedeemed:
            {
                var order = EnsureOrder(e, PartnerDims(e));
                if (!order.Coupon)
                {
                    order.Coupon = true;
                    Count(order.OrderedAt, order.Dims, NoCurrency, a => a.CouponOrders++);
                }

                break;
            }

            case EventTypes.OrderPromotionsVerified or EventTypes.QuoteMismatchDetected:
                Verified(e);
                break;
            case EventTypes.RefundRecorded:
                Refund(e, sequence);
                break;
            case EventTypes.CommissionRejected:
                Reject(e, sequence);
                break;
            case EventTypes.SurveyShown:
                SurveyShown(e);
                break;
            case EventTypes.SurveyResponseSubmitted:
                SurveyResponse(e);
                break;
            case EventTypes.CartAbandoned:
                CartAbandoned(e, replayed);
                break;
            case EventTypes.CustomerLapsed:
                if (e.CustomerId is { } lapsedId && state.Customers.TryGetValue(lapsedId, out var lapsed) && !lapsed.Lapsed && lapsed.Orders > 0)
                {
                    lapsed.Lapsed = true;
                    UpdateSegments(lapsed, e.OccurredAt, replayed);
                }

                break;
        }

        if (e.OrderId is { } orderId && state.PendingTakeBacks.Count > 0)
        {
            ApplyWaitingTakeBacks(orderId);
        }
    }

    private void Behaviour(AnalyticsEvent e, bool replayed)
    {
        var customer = e.CustomerId is { } customerId ? Customer(customerId) : null;
        SessionFact? session = null;
        var startedSession = false;
        if (e.SessionId is { } sessionId && !state.Sessions.TryGetValue(sessionId, out session))
        {
            session = state.Add(new SessionFact { SessionId = sessionId, StartedAt = e.OccurredAt, VisitorId = e.VisitorId });
            session.SetDims(EventDims(e, null, customer));
            session.PendingClickId = session.PartnerId is null ? e.ClickId : null;
            state.Sessions[sessionId] = session;
            startedSession = true;
            Count(session.StartedAt, session.Dims, NoCurrency, a => a.Sessions++);
        }

        var dims = EventDims(e, session, customer);
        if (dims.PartnerId is null && (e.ClickId ?? session?.PendingClickId) is { } pendingClick)
        {
            Unlinked(pendingClick, e, dims, startedSession);
        }

        if (customer is not null && dims.PartnerId is { } partnerId)
        {
            customer.PartnerId = partnerId;
        }

        switch (e.Type)
        {
            case EventTypes.PageView:
                Count(e.OccurredAt, dims, NoCurrency, a => a.PageViews++);
                break;
            case EventTypes.ProductView:
                Count(e.OccurredAt, dims, NoCurrency, a => a.ProductViews++);
                break;
            case EventTypes.AddToCart:
            {
                Count(e.OccurredAt, dims, NoCurrency, a => a.AddToCarts++);
                var cart = Cart(e, dims, replayed);
                cart.Items += e.Quantity ?? 1;
                AddToTotal(cart, e);
                if (!cart.Counted && cart.Items > 0)
                {
                    cart.Counted = true;
                    Count(cart.CreatedAt, cart.Dims, NoCurrency, a => a.Carts++);
                    if (cart.CustomerId is { } owner && Customer(owner) is { } cartCustomer)
                    {
                        cartCustomer.Carts++;
                        UpdateSegments(cartCustomer, e.OccurredAt, replayed);
                    }
                }

                break;
            }

            case EventTypes.RemoveFromCart:
            {
                Count(e.OccurredAt, dims, NoCurrency, a => a.RemoveFromCarts++);
                var cart = Cart(e, dims, replayed);
                cart.Items = Math.Max(0, cart.Items - (e.Quantity ?? 1));
                if (cart.Items == 0)
                {
                    // Emptied: the next item sets the cart's currency afresh.
                    (cart.Total, cart.Currency) = (0m, null);
                }
                else if (e.Currency == cart.Currency)
                {
                    cart.Total = Math.Max(0m, cart.Total - (e.Amount ?? 0m));
                }

                break;
            }

            case EventTypes.CheckoutStarted:
                Count(e.OccurredAt, dims, NoCurrency, a => a.CheckoutsStarted++);
                Cart(e, dims, replayed);
                break;
            case EventTypes.OrderCompleted:
                OrderCompleted(e, dims, session, customer, replayed);
                break;
        }
    }

    private void OrderCompleted(AnalyticsEvent e, Dims dims, SessionFact? session, CustomerFact? customer, bool replayed)
    {
        var orderId = e.OrderId!;
        state.Orders.TryGetValue(orderId, out var known);
        // A repeat of an order the storefront already told (the same money under a new event id: a thank-you page reloaded
        // in another session, a second device) converts no session and moves none: the order's first event owns that.
        var repeat = known is { ToldByStorefront: true };
        var orderSegments = customer?.Segments;
        var first = false;
        if (customer is not null && known is not { CustomerCounted: true })
        {
            // The customer's first order is the earliest (order time, ties by order id), not the first to arrive: an
            // earlier order told later takes the place of the one counted first, which becomes a repeat order.
            var orderedAt = known is { ToldByStorefront: true } ? known.OrderedAt : e.OccurredAt;
            first = customer.Orders == 0
                || (customer is { FirstOrderId: { } firstId, FirstOrderAt: { } firstAt } && Earlier(orderedAt, orderId, firstAt, firstId));
            var displaced = first && customer.Orders > 0 ? customer.FirstOrderId : null;
            customer.Orders++;
            if (first)
            {
                customer.FirstOrderAt = orderedAt;
                customer.FirstOrderId = orderId;
            }

            customer.LastOrderAt = customer.LastOrderAt is { } last && last > e.OccurredAt ? last : e.OccurredAt;
            customer.Lapsed = false;
            UpdateSegments(customer, e.OccurredAt, replayed);
            // The segments the order puts its customer in, in order time: an earlier order told later is the first order.
            orderSegments = first ? SegmentRules.For(customer, segmentOptions, orders: 1) : customer.Segments;
            if (displaced is not null && state.Orders.TryGetValue(displaced, out var previousFirst))
            {
                NoLongerFirst(previousFirst);
            }
        }

        // An order counts under the segments it puts its customer in (a first order: first-time buyers), and the session that
        // converts moves there with it, so a segment's orders never outnumber its sessions; a later order of the same
        // session counts where the session is.
        if (!repeat && orderSegments is not null && session is { Converted: false } && !session.Segments.AsSpan().SequenceEqual(orderSegments))
        {
            MoveSessionToSegments(session, orderSegments);
        }

        dims = dims with { Segments = session?.Segments ?? orderSegments ?? dims.Segments };
        OrderFact order;
        if (known is { ToldByStorefront: false })
        {
            order = MoveToStorefront(known, e.OccurredAt, dims);
            dims = order.Dims;
            if (customer is not null && order.PartnerId is { } credited)
            {
                customer.PartnerId = credited;
            }
        }
        else
        {
            order = EnsureOrder(e, dims);
        }

        order.ToldByStorefront = true;
        if (customer is not null && !order.CustomerCounted && !order.Segments.AsSpan().SequenceEqual(dims.Segments))
        {
            // A repeated order_completed names the customer the first one did not: the order joins the customer's segments, once.
            MoveToSegments(order, dims.Segments);
        }

        if (dims.PartnerId is null && order.PartnerId is { } orderPartner)
        {
            // Another source named the order's partner first (attribution, a partner's code): the customer's order is that partner's too.
            dims = dims with { PartnerId = orderPartner };
            if (customer is not null)
            {
                customer.PartnerId = orderPartner;
            }
        }

        if (customer is not null && !order.CustomerCounted)
        {
            order.CustomerCounted = true;
            order.CustomerId = customer.CustomerId;
            order.SessionId = repeat && session is not { Converted: true } ? null : session?.SessionId;
            order.FirstOrder = first;
            // Counted under the order's own dimensions: the customer counts then move with the order's partner (a partner
            // learned later, a re-attribution). Without a partner yet there are no partner rows to count them in.
            order.CustomerInPartnerRows = dims.PartnerId == order.PartnerId && dims.Campaign == order.Campaign
                && dims.Touchpoint == order.Touchpoint && dims.TrafficSource == order.TrafficSource;
            Count(order.OrderedAt, dims, NoCurrency, a =>
            {
                a.CustomerOrders++;
                if (first)
                {
                    a.FirstOrders++;
                }
                else
                {
                    a.RepeatOrders++;
                }
            });
        }

        // A code the storefront names on the order makes it a coupon order, once, however coupons' CouponRedeemed arrives.
        if (e.CouponCode is not null && !order.Coupon)
        {
            order.Coupon = true;
            Count(order.OrderedAt, order.Dims, NoCurrency, a => a.CouponOrders++);
        }

        if (!repeat && session is { Converted: false })
        {
            session.Converted = true;
            Count(session.StartedAt, session.Dims, NoCurrency, a => a.ConvertedSessions++);
        }

        if (e.CartId is { } cartId && state.Carts.TryGetValue(cartId, out var cart))
        {
            if (cart.Status == CartStatuses.Abandoned)
            {
                cart.Status = CartStatuses.Recovered;
                Count(cart.CreatedAt, cart.Dims, NoCurrency, a => a.RecoveredCarts++);
                if (!replayed)
                {
                    state.Recoveries.Add(new CartRecovery(cartId, orderId, cart.VisitorId, cart.CustomerId, cart.Email, e.OccurredAt));
                }
            }
            else if (cart.Status == CartStatuses.Open)
            {
                cart.Status = CartStatuses.Ordered;
            }

            cart.LastActivityAt = Later(cart.LastActivityAt, e.OccurredAt);
            cart.LastSeenAt = Later(cart.LastSeenAt, _seenAt);
        }
    }

    /// <summary>
    /// The order, counted (orders, revenue) the first time any source tells of it, on that source's order time and
    /// dimensions. A partner learned later (attribution comes after the order) moves the order into that partner's rows.
    /// </summary>
    private OrderFact EnsureOrder(AnalyticsEvent e, Dims dims)
    {
        var orderId = e.OrderId!;
        if (!state.Orders.TryGetValue(orderId, out var order))
        {
            order = state.Add(new OrderFact
            {
                OrderId = orderId,
                OrderedAt = e.OccurredAt,
                Currency = e.Currency ?? "XXX",
                Amount = e.Amount ?? 0m,
                NetAmount = e.Amount ?? 0m,
            });
            order.SetDims(dims);
            state.Orders[orderId] = order;
            var (amount, hasPartner) = (order.Amount, order.PartnerId is not null);
            Count(order.OrderedAt, order.Dims, NoCurrency, a => a.Orders++);
            Count(order.OrderedAt, order.Dims, order.Currency, a =>
            {
                a.Orders++;
                a.Revenue += amount;
                a.GrossRevenue += amount;
                if (hasPartner)
                {
                    a.PartnerRevenue += amount;
                }
            });
            return order;
        }

        if (order.PartnerId is null && dims.PartnerId is { } partnerId)
        {
            MoveToPartner(order, partnerId);
        }

        return order;
    }

    /// <summary>
    /// The storefront's <c>order_completed</c> for an order another service told of first (coupons, promotions, attribution
    /// know neither its session nor its customer): the order moves, with every count, flag and money it carries, out of
    /// the rows that service could place it in into those of its session — campaign, traffic source, touchpoint, segments,
    /// their pairs — on the storefront's order time, so the result is what the storefront telling first gives. Its partner
    /// is attribution's once attribution credited it; otherwise the storefront's, else the one the other service named.
    /// </summary>
    private OrderFact MoveToStorefront(OrderFact order, DateTimeOffset orderedAt, Dims storefront)
    {
        var credited = order.Attributed || order.ReattributedAt is not null;
        var target = storefront with { PartnerId = credited ? order.PartnerId : storefront.PartnerId ?? order.PartnerId };
        CountOrderRows(order, order.Dims.Expand(), -1);
        order.OrderedAt = orderedAt;
        order.SetDims(target);
        CountOrderRows(order, target.Expand(), 1);
        return order;
    }

    /// <summary>
    /// Moves the order, with its flags, money and customer counts (when they were counted under its dimensions), out of its
    /// partner's rows (single and pairs), if it had a partner, into <paramref name="partnerId"/>'s, and makes its customer
    /// that partner's. The other rows keep it: only which partner it came through changes. Without a previous partner
    /// every other row of the order learns that its revenue came through a partner, as if the partner had been known
    /// when the order was counted (so no row's partner revenue depends on which source told first).
    /// </summary>
    private void MoveToPartner(OrderFact order, Guid partnerId)
    {
        if (order.PartnerId is null)
        {
            CountOnly(order.OrderedAt, order.Dims.NonPartnerRows(), order.Currency, a => a.PartnerRevenue += order.NetAmount);
        }
        else
        {
            CountPartnerRows(order, -1);
        }

        if (order.CustomerInPartnerRows)
        {
            CountCustomerOrder(order, order.Dims.PartnerRows(), -1);
        }

        order.PartnerId = partnerId;
        CountPartnerRows(order, 1);
        if (order.CustomerInPartnerRows)
        {
            CountCustomerOrder(order, order.Dims.PartnerRows(), 1);
        }

        if (order.CustomerId is { } customerId && state.Customers.TryGetValue(customerId, out var customer))
        {
            customer.PartnerId = partnerId;
        }
    }

    /// <summary>Moves a session (not yet converted) out of its segments' rows into <paramref name="segments"/>' rows.</summary>
    private void MoveSessionToSegments(SessionFact session, string[] segments)
    {
        CountOnly(session.StartedAt, Dims.SegmentRows(session.Segments), NoCurrency, a => a.Sessions--);
        session.Segments = segments;
        CountOnly(session.StartedAt, Dims.SegmentRows(segments), NoCurrency, a => a.Sessions++);
    }

    /// <summary>Moves the order, with its flags and money, out of its segments' rows into <paramref name="segments"/>' rows.</summary>
    private void MoveToSegments(OrderFact order, string[] segments)
    {
        CountOrderRows(order, Dims.SegmentRows(order.Segments), -1);
        order.Segments = segments;
        CountOrderRows(order, Dims.SegmentRows(segments), 1);
    }

    /// <summary>Whether an order at <paramref name="at"/> comes before one at <paramref name="otherAt"/>: order time, ties by order id.</summary>
    private static bool Earlier(DateTimeOffset at, string orderId, DateTimeOffset otherAt, string otherId) =>
        at < otherAt || (at == otherAt && string.CompareOrdinal(orderId, otherId) < 0);

    /// <summary>
    /// The customer's first order until an earlier one was told (later): on its own period and dimensions it moves from
    /// <c>first_orders</c> to <c>repeat_orders</c>, and — with its flags, money and the session it converted — out of the
    /// segments only a first order puts a customer in into those of a second order, so the rows are those of the orders
    /// told in order time.
    /// </summary>
    private void NoLongerFirst(OrderFact order)
    {
        if (!order.FirstOrder)
        {
            return;
        }

        // Where its customer counts are: its own rows, or (counted under other dimensions, before the pairs migration)
        // at least merchant-wide and its segments.
        IReadOnlyList<(string Dimension, string Value, string Value2)> rows = order.CustomerInPartnerRows
            ? order.Dims.Expand()
            : [(Dimensions.All, "", ""), .. Dims.SegmentRows(order.Segments)];
        CountCustomerOrder(order, rows, -1);
        order.FirstOrder = false;
        CountCustomerOrder(order, rows, 1);

        var segments = SegmentRules.OfSecondOrder(order.Segments, segmentOptions);
        if (segments.AsSpan().SequenceEqual(order.Segments))
        {
            return;
        }

        var previous = order.Segments;
        CountCustomerOrder(order, Dims.SegmentRows(previous), -1);
        MoveToSegments(order, segments);
        CountCustomerOrder(order, Dims.SegmentRows(segments), 1);
        if (order.SessionId is { } sessionId && state.Sessions.TryGetValue(sessionId, out var session) && session.Converted
            && session.Segments.AsSpan().SequenceEqual(previous))
        {
            CountOnly(session.StartedAt, Dims.SegmentRows(previous), NoCurrency, a =>
            {
                a.Sessions--;
                a.ConvertedSessions--;
            });
            session.Segments = segments;
            CountOnly(session.StartedAt, Dims.SegmentRows(segments), NoCurrency, a =>
            {
                a.Sessions++;
                a.ConvertedSessions++;
            });
        }
    }

    private void CountPartnerRows(OrderFact order, int sign) => CountOrderRows(order, order.Dims.PartnerRows(), sign);

    /// <summary>Adds (or with <paramref name="sign"/> -1 takes away) the order's counts, flags and money in <paramref name="rows"/>.</summary>
    private void CountOrderRows(OrderFact order, IReadOnlyList<(string Dimension, string Value, string Value2)> rows, int sign)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var hasPartner = order.PartnerId is not null;
        CountOnly(order.OrderedAt, rows, NoCurrency, a =>
        {
            a.Orders += sign;
            a.AttributedOrders += order.Attributed ? sign : 0;
            a.CouponOrders += order.Coupon ? sign : 0;
            a.VerifiedOrders += order.Verified ? sign : 0;
            a.PromotionOrders += order.Promotion ? sign : 0;
            a.PromotionMismatches += order.Mismatch ? sign : 0;
            a.RefundedOrders += order.Refunded ? sign : 0;
            a.Refunds += sign * order.Refunds;
            a.CancelledOrders += order.Cancelled ? sign : 0;
        });
        var commissionCurrency = CommissionCurrencyOf(order);
        CountOnly(order.OrderedAt, rows, order.Currency, a =>
        {
            a.Orders += order.Cancelled ? 0 : sign;
            a.Revenue += sign * order.NetAmount;
            a.GrossRevenue += sign * order.Amount;
            a.PartnerRevenue += hasPartner ? sign * order.NetAmount : 0m;
            a.Commission += commissionCurrency == order.Currency ? sign * NetCommission(order) : 0m;
            a.RefundedAmount += sign * order.RefundedAmount;
        });
        if (commissionCurrency != order.Currency)
        {
            CountOnly(order.OrderedAt, rows, commissionCurrency, a => a.Commission += sign * NetCommission(order));
        }
    }

    /// <summary>
    /// The currency the order's commission is counted in: the order's, or the program's for a fixed commission on an
    /// order in another currency (attribution's <c>commissionCurrency</c>), never added to money of another currency.
    /// </summary>
    private static string CommissionCurrencyOf(OrderFact order) => order.CommissionCurrency ?? order.Currency;

    /// <summary>The commission the order counts: booked less reversed, or nothing once its sale was rejected in review.</summary>
    private static decimal NetCommission(OrderFact order) => order.CommissionRejected ? 0m : order.Commission - order.CommissionReversed;

    private void CountCustomerOrder(OrderFact order, IReadOnlyList<(string Dimension, string Value, string Value2)> rows, int sign) =>
        CountOnly(order.OrderedAt, rows, NoCurrency, a =>
        {
            a.CustomerOrders += sign;
            a.FirstOrders += order.FirstOrder ? sign : 0;
            a.RepeatOrders += order.FirstOrder ? 0 : sign;
        });

    /// <summary>
    /// Attribution moved the order's credit to another partner (a partner code learnt after the order). Analytics moves
    /// it from the partner it has the order under (whatever attribution's previous partner was) to the new one, on the
    /// order's own period, and replaces its commission everywhere it counts (the previous partner's was reversed, the
    /// new one's booked). A reattribution older than the last one applied is stale (the broker does not keep order
    /// between messages) and changes nothing. Before any other source told of the order, it creates the order, already
    /// the new partner's; a <c>ConversionAttributed</c> for the old credit arriving after it then changes nothing.
    /// </summary>
    private void Reattributed(AnalyticsEvent e)
    {
        var partnerId = e.PartnerId!.Value;
        var decidedAt = e.ReattributedAt ?? e.OccurredAt;
        var order = EnsureOrder(e, PartnerDims(e));
        if (order.ReattributedAt is { } last && last >= decidedAt)
        {
            return;
        }

        order.ReattributedAt = decidedAt;
        if (order.PartnerId != partnerId)
        {
            MoveToPartner(order, partnerId);
        }

        if (!order.Attributed)
        {
            order.Attributed = true;
            Count(order.OrderedAt, order.Dims, NoCurrency, a => a.AttributedOrders++);
        }

        if (order.CommissionRejected)
        {
            // The rejection was the previous partner's sale: the new partner's commission replaces it and counts.
            order.CommissionRejected = false;
            Count(order.OrderedAt, order.Dims, CommissionCurrencyOf(order), a => a.Commission += NetCommission(order));
        }

        var currency = e.CommissionCurrency ?? order.Currency;
        if (currency != CommissionCurrencyOf(order) && order.Commission != 0m)
        {
            // The new partner's commission is in another currency: the previous one leaves the rows of its own.
            var previous = order.Commission;
            Count(order.OrderedAt, order.Dims, CommissionCurrencyOf(order), a => a.Commission -= previous);
            order.Commission = 0m;
        }

        order.CommissionCurrency = currency;
        var change = (e.Commission ?? 0m) - order.Commission;
        if (change != 0m)
        {
            order.Commission += change;
            Count(order.OrderedAt, order.Dims, currency, a => a.Commission += change);
        }
    }

    private void Verified(AnalyticsEvent e)
    {
        var order = EnsureOrder(e, PartnerDims(e));
        if (!order.Verified)
        {
            order.Verified = true;
            Count(order.OrderedAt, order.Dims, NoCurrency, a => a.VerifiedOrders++);
        }

        if (e.PromotionCount > 0 && !order.Promotion)
        {
            order.Promotion = true;
            Count(order.OrderedAt, order.Dims, NoCurrency, a => a.PromotionOrders++);
        }

        var mismatch = e.Type == EventTypes.QuoteMismatchDetected || string.Equals(e.Outcome, "mismatch", StringComparison.OrdinalIgnoreCase);
        if (mismatch && !order.Mismatch)
        {
            order.Mismatch = true;
            Count(order.OrderedAt, order.Dims, NoCurrency, a => a.PromotionMismatches++);
        }
    }

    /// <summary>
    /// A refund or cancellation of a known order nets its money on the order's period: revenue (and partner revenue) lose
    /// what was paid back, never more than is left of the order, and the commission what attribution reversed. A
    /// cancellation takes back all that is left and the order leaves the money rows' order count (so the average order
    /// value is over orders not cancelled); it stays in <c>orders</c>, the placed orders every rate divides by, and
    /// counts in <c>cancelledOrders</c>.
    /// </summary>
    private void Refund(AnalyticsEvent e, long sequence)
    {
        var amount = e.Amount ?? 0m;
        if (e.OrderId is not { } orderId)
        {
            return;
        }

        if (state.Orders.TryGetValue(orderId, out var order))
        {
            if (order.PartnerId is null && e.PartnerId is not null)
            {
                EnsureOrder(e, PartnerDims(e));
            }

            var first = !order.Refunded;
            var cancel = string.Equals(e.Outcome, RefundKinds.Cancellation, StringComparison.OrdinalIgnoreCase) && !order.Cancelled;
            var sameCurrency = e.Currency is null || e.Currency == order.Currency;
            var netted = !sameCurrency ? 0m : cancel ? order.NetAmount : Math.Clamp(amount, 0m, order.NetAmount);
            // What attribution reversed is in the commission's currency (absent on older events: the order's); before the
            // attribution came, the refund tells it.
            if (!order.Attributed && e.CommissionCurrency is { } told)
            {
                order.CommissionCurrency ??= told;
            }

            var reversed = sameCurrency && (e.CommissionCurrency ?? order.Currency) == CommissionCurrencyOf(order) ? e.Commission ?? 0m : 0m;
            var hasPartner = order.PartnerId is not null;
            order.Refunded = true;
            order.Refunds++;
            order.RefundedAmount += amount;
            order.NetAmount -= netted;
            order.Cancelled |= cancel;
            order.CommissionReversed += reversed;
            Count(order.OrderedAt, order.Dims, NoCurrency, a =>
            {
                a.Refunds++;
                a.RefundedOrders += first ? 1 : 0;
                a.CancelledOrders += cancel ? 1 : 0;
            });
            Count(order.OrderedAt, order.Dims, order.Currency, a =>
            {
                a.Orders -= cancel ? 1 : 0;
                a.Revenue -= netted;
                a.PartnerRevenue -= hasPartner ? netted : 0m;
            });
            if (reversed != 0m && !order.CommissionRejected)
            {
                Count(order.OrderedAt, order.Dims, CommissionCurrencyOf(order), a => a.Commission -= reversed);
            }

            Count(order.OrderedAt, order.Dims, e.Currency ?? order.Currency, a => a.RefundedAmount += amount);
            return;
        }

        // An order analytics does not know yet (its conversion travels on another queue): the refund waits for it and
        // counts nothing until then — never a refund of nothing.
        Defer(e, orderId, sequence);
    }

    /// <summary>
    /// Attribution rejected the credited partner's sale in review: the order's commission no longer counts. Before the
    /// order's conversion counted a commission (another queue) the rejection waits for it; a rejection of a partner the
    /// order is not credited to changes nothing.
    /// </summary>
    private void Reject(AnalyticsEvent e, long sequence)
    {
        if (e.OrderId is not { } orderId)
        {
            return;
        }

        if (!state.Orders.TryGetValue(orderId, out var order) || !order.Attributed)
        {
            Defer(e, orderId, sequence);
            return;
        }

        if (order.PartnerId == e.PartnerId && !order.CommissionRejected)
        {
            var net = NetCommission(order);
            order.CommissionRejected = true;
            Count(order.OrderedAt, order.Dims, CommissionCurrencyOf(order), a => a.Commission -= net);
        }
    }

    /// <summary>Keeps a take-back that came before its order (or its conversion) until the order is counted (<see cref="PendingTakeBack"/>).</summary>
    private void Defer(AnalyticsEvent e, string orderId, long sequence)
    {
        if (!state.PendingTakeBacks.TryGetValue(orderId, out var waiting))
        {
            waiting = [];
            state.PendingTakeBacks[orderId] = waiting;
        }

        waiting.Add(state.Add(new PendingTakeBack { Sequence = sequence, OrderId = orderId, Payload = JsonSerializer.Serialize(e, EventLog.Json) }));
    }

    /// <summary>
    /// Applies, in log order, the take-backs that waited for the order once it is counted — refunds once analytics knows
    /// the order, a rejection once its conversion counted the commission — as if they had come after it.
    /// </summary>
    private void ApplyWaitingTakeBacks(string orderId)
    {
        if (!state.PendingTakeBacks.TryGetValue(orderId, out var waiting) || !state.Orders.TryGetValue(orderId, out var order))
        {
            return;
        }

        foreach (var takeBack in waiting.ToList())
        {
            var e = EventLog.Read(takeBack.Payload);
            if (e.Type == EventTypes.CommissionRejected && !order.Attributed)
            {
                continue;
            }

            waiting.Remove(takeBack);
            if (!state.Added.Remove(takeBack))
            {
                state.AppliedTakeBacks.Add(takeBack.Sequence);
            }

            if (e.Type == EventTypes.RefundRecorded)
            {
                Refund(e, takeBack.Sequence);
            }
            else
            {
                Reject(e, takeBack.Sequence);
            }
        }

        if (waiting.Count == 0)
        {
            state.PendingTakeBacks.Remove(orderId);
        }
    }

    private void SurveyShown(AnalyticsEvent e)
    {
        var id = e.ImpressionId!.Value;
        if (!state.Impressions.TryGetValue(id, out var impression))
        {
            impression = state.Add(new ImpressionFact { ImpressionId = id });
            state.Impressions[id] = impression;
        }

        if (impression.Shown)
        {
            return;
        }

        impression.Shown = true;
        impression.ShownAt = e.OccurredAt;
        impression.SetDims(SurveyDims(e));
        var responded = impression.Responded;
        Count(e.OccurredAt, impression.Dims, NoCurrency, a =>
        {
            a.SurveysShown++;
            a.SurveyResponses += responded ? 1 : 0;
        });
    }

    private void SurveyResponse(AnalyticsEvent e)
    {
        if (e.NpsScore is { } score)
        {
            Count(e.OccurredAt, SurveyDims(e), NoCurrency, a =>
            {
                a.NpsResponses++;
                a.NpsPromoters += score >= 9 ? 1 : 0;
                a.NpsDetractors += score <= 6 ? 1 : 0;
            });
        }

        // Only answers to a showing count in the response rate (an email-link answer without one has no denominator).
        if (e.ImpressionId is not { } id)
        {
            return;
        }

        if (!state.Impressions.TryGetValue(id, out var impression))
        {
            impression = state.Add(new ImpressionFact { ImpressionId = id, Responded = true });
            state.Impressions[id] = impression;
            return;
        }

        if (!impression.Responded)
        {
            impression.Responded = true;
            if (impression is { Shown: true, ShownAt: { } shownAt })
            {
                Count(shownAt, impression.Dims, NoCurrency, a => a.SurveyResponses++);
            }
        }
    }

    private void CartAbandoned(AnalyticsEvent e, bool replayed)
    {
        if (e.CartId is not { } cartId || !state.Carts.TryGetValue(cartId, out var cart) || cart.Status != CartStatuses.Open || !cart.Counted)
        {
            return;
        }

        cart.Status = CartStatuses.Abandoned;
        cart.AbandonedAt = e.OccurredAt;
        Count(cart.CreatedAt, cart.Dims, NoCurrency, a => a.AbandonedCarts++);
        if (cart.CustomerId is { } customerId && state.Customers.TryGetValue(customerId, out var customer))
        {
            customer.AbandonedCarts++;
            UpdateSegments(customer, e.OccurredAt, replayed);
        }
    }

    /// <summary>
    /// Remembers an event counted without a partner while the referral click it (or its session) named was not recorded
    /// yet, with what <see cref="LinkClick"/> needs to move its counts. Recorded before the event's counts are applied,
    /// so a cart it creates is recognized as created by it.
    /// </summary>
    private void Unlinked(Guid clickId, AnalyticsEvent e, Dims dims, bool startedSession)
    {
        if (!state.UnlinkedClickEvents.TryGetValue(clickId, out var events))
        {
            events = [];
            state.UnlinkedClickEvents[clickId] = events;
        }

        events.Add(state.Add(new UnlinkedClickEvent
        {
            Id = Guid.CreateVersion7(now),
            ClickId = clickId,
            Type = e.Type,
            OccurredAt = e.OccurredAt,
            Campaign = dims.Campaign,
            TrafficSource = dims.TrafficSource,
            Touchpoint = dims.Touchpoint,
            SessionId = e.SessionId,
            CartId = e.CartId,
            OrderId = e.OrderId,
            CustomerId = e.CustomerId,
            StartedSession = startedSession,
            CreatedCart = e.CartId is { } cartId && EventTypes.CartEvents.Contains(e.Type) && !state.Carts.ContainsKey(cartId),
        }));
    }

    /// <summary>
    /// A click recorded after storefront events named it (clicks are group-committed and relayed through attribution's
    /// outbox, so a landing page's events often come first): what those events and the rest of their sessions counted
    /// without a partner moves into the click's partner's rows and partner pairs — their page views and other event
    /// counts, the sessions and carts they started, their orders (as for a partner learned later, <see cref="MoveToPartner"/>)
    /// — and their customers become the partner's if they had none. The records are then deleted, so a click applied
    /// again moves nothing.
    /// </summary>
    private void LinkClick(Guid clickId, Guid partnerId)
    {
        if (!state.UnlinkedClickEvents.Remove(clickId, out var events))
        {
            return;
        }

        state.LinkedClicks.Add(clickId);
        foreach (var linked in events)
        {
            var rows = new Dims(partnerId, linked.Campaign, linked.TrafficSource, linked.Touchpoint, []).PartnerRows();
            Action<KpiAggregate>? count = linked.Type switch
            {
                EventTypes.PageView => a => a.PageViews++,
                EventTypes.ProductView => a => a.ProductViews++,
                EventTypes.AddToCart => a => a.AddToCarts++,
                EventTypes.RemoveFromCart => a => a.RemoveFromCarts++,
                EventTypes.CheckoutStarted => a => a.CheckoutsStarted++,
                _ => null,
            };
            if (count is not null)
            {
                CountOnly(linked.OccurredAt, rows, NoCurrency, count);
            }

            if (linked is { StartedSession: true, SessionId: { } sessionId } && state.Sessions.TryGetValue(sessionId, out var session)
                && session.PartnerId is null)
            {
                session.PartnerId = partnerId;
                session.PendingClickId = null;
                var converted = session.Converted;
                CountOnly(session.StartedAt, session.Dims.PartnerRows(), NoCurrency, a =>
                {
                    a.Sessions++;
                    a.ConvertedSessions += converted ? 1 : 0;
                });
            }

            if (linked is { CreatedCart: true, CartId: { } cartId } && state.Carts.TryGetValue(cartId, out var cart) && cart.PartnerId is null)
            {
                cart.PartnerId = partnerId;
                var (counted, abandoned, recovered) =
                    (cart.Counted, cart.Status is CartStatuses.Abandoned or CartStatuses.Recovered, cart.Status == CartStatuses.Recovered);
                CountOnly(cart.CreatedAt, cart.Dims.PartnerRows(), NoCurrency, a =>
                {
                    a.Carts += counted ? 1 : 0;
                    a.AbandonedCarts += abandoned ? 1 : 0;
                    a.RecoveredCarts += recovered ? 1 : 0;
                });
            }

            if (linked is { Type: EventTypes.OrderCompleted, OrderId: { } orderId } && state.Orders.TryGetValue(orderId, out var order)
                && order.PartnerId is null)
            {
                MoveToPartner(order, partnerId);
            }

            if (linked.CustomerId is { } customerId && state.Customers.TryGetValue(customerId, out var customer))
            {
                customer.PartnerId ??= partnerId;
            }
        }
    }

    /// <summary>
    /// A cart has one currency, that of its first amount, and its total sums only amounts in it: an amount in another
    /// currency makes the cart mixed (<see cref="CartFact.MixedCurrency"/>, total 0) until it is emptied, so its
    /// <c>CartAbandoned</c> carries no total a minimum could be compared with — never a sum across currencies.
    /// </summary>
    private static void AddToTotal(CartFact cart, AnalyticsEvent e)
    {
        if (e.Currency is not { } currency || cart.Currency == CartFact.MixedCurrency)
        {
            return;
        }

        cart.Currency ??= currency;
        if (cart.Currency == currency)
        {
            cart.Total += e.Amount ?? 0m;
        }
        else if (e.Amount is > 0m)
        {
            (cart.Currency, cart.Total) = (CartFact.MixedCurrency, 0m);
        }
    }

    private CartFact Cart(AnalyticsEvent e, Dims dims, bool replayed)
    {
        var cartId = e.CartId!;
        if (!state.Carts.TryGetValue(cartId, out var cart))
        {
            cart = state.Add(new CartFact
            {
                CartId = cartId, VisitorId = e.VisitorId ?? "", CreatedAt = e.OccurredAt, LastActivityAt = e.OccurredAt, LastSeenAt = _seenAt,
            });
            cart.SetDims(dims);
            state.Carts[cartId] = cart;
        }

        var owner = cart.CustomerId is null ? e.CustomerId : null;
        cart.CustomerId = e.CustomerId ?? cart.CustomerId;
        if (owner is not null && cart.Counted)
        {
            // A guest's cart whose customer is told later (at checkout, on a later add): the cart, and its abandonment
            // if it was already abandoned, count to that customer now — once, as the cart has no customer only once.
            var customer = Customer(owner);
            customer.Carts++;
            customer.AbandonedCarts += cart.Status is CartStatuses.Abandoned or CartStatuses.Recovered ? 1 : 0;
            UpdateSegments(customer, e.OccurredAt, replayed);
        }

        cart.Email = e.Email ?? cart.Email;
        cart.SessionId = e.SessionId ?? cart.SessionId;
        cart.LastActivityAt = Later(cart.LastActivityAt, e.OccurredAt);
        cart.LastSeenAt = Later(cart.LastSeenAt, _seenAt);
        return cart;
    }

    private CustomerFact Customer(string customerId)
    {
        if (!state.Customers.TryGetValue(customerId, out var customer))
        {
            customer = state.Add(new CustomerFact { CustomerId = customerId, UpdatedAt = now });
            state.Customers[customerId] = customer;
        }

        return customer;
    }

    private void UpdateSegments(CustomerFact customer, DateTimeOffset at, bool replayed)
    {
        var next = SegmentRules.For(customer, segmentOptions);
        var previous = customer.Segments;
        customer.UpdatedAt = now;
        if (next.SequenceEqual(previous, StringComparer.Ordinal))
        {
            return;
        }

        customer.Segments = next;
        if (replayed)
        {
            return;
        }

        foreach (var joined in next.Except(previous, StringComparer.Ordinal))
        {
            state.SegmentChanges.Add(new SegmentChange(customer.CustomerId, joined, true, at, next));
        }

        foreach (var left in previous.Except(next, StringComparer.Ordinal))
        {
            state.SegmentChanges.Add(new SegmentChange(customer.CustomerId, left, false, at, next));
        }
    }

    /// <summary>An event's dimensions: its partner is the one it names, else its referral click's, else its session's.</summary>
    private Dims EventDims(AnalyticsEvent e, SessionFact? session, CustomerFact? customer) => new(
        e.PartnerId ?? ClickPartner(e) ?? session?.PartnerId,
        e.UtmCampaign ?? session?.Campaign,
        e.UtmSource ?? session?.TrafficSource ?? Dims.Direct,
        e.Touchpoint ?? DefaultTouchpoint(e.Type),
        customer?.Segments ?? []);

    private Guid? ClickPartner(AnalyticsEvent e) =>
        e.ClickId is { } clickId && state.ClickPartners.TryGetValue(clickId, out var partnerId) ? partnerId : null;

    private Dims PartnerDims(AnalyticsEvent e) => new(
        e.PartnerId,
        e.UtmCampaign,
        e.UtmSource ?? Dims.Direct,
        e.Touchpoint,
        e.CustomerId is { } id && state.Customers.TryGetValue(id, out var customer) ? customer.Segments : []);

    private Dims SurveyDims(AnalyticsEvent e) => PartnerDims(e) with { Touchpoint = e.Touchpoint ?? "survey" };

    private static string DefaultTouchpoint(string type) => type switch
    {
        EventTypes.PageView => "page",
        EventTypes.ProductView => "product",
        EventTypes.AddToCart or EventTypes.RemoveFromCart => "cart",
        EventTypes.CheckoutStarted => "checkout",
        _ => "order",
    };

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private void Count(DateTimeOffset at, Dims dims, string currency, Action<KpiAggregate> apply)
    {
        // One list reused for every count (no apply counts again): the projector's hot path allocates no row list.
        _rows.Clear();
        dims.AddRows(_rows);
        CountOnly(at, _rows, currency, apply);
    }

    private void CountOnly(DateTimeOffset at, IReadOnlyList<(string Dimension, string Value, string Value2)> dims, string currency, Action<KpiAggregate> apply)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone).DateTime;
        var hour = new DateTime(local.Year, local.Month, local.Day, local.Hour, 0, 0, DateTimeKind.Unspecified);
        var day = new DateTime(local.Year, local.Month, local.Day, 0, 0, 0, DateTimeKind.Unspecified);
        for (var index = 0; index < dims.Count; index++)
        {
            var (dimension, value, value2) = dims[index];
            apply(Delta(Granularities.Day, dimension, value, value2, day, currency));
            apply(Delta(Granularities.Hour, dimension, value, value2, hour, currency));
        }
    }

    private KpiAggregate Delta(string granularity, string dimension, string value, string value2, DateTime period, string currency)
    {
        var key = (granularity, dimension, value, value2, period, currency);
        if (!state.Deltas.TryGetValue(key, out var delta))
        {
            delta = new KpiAggregate
            {
                Granularity = granularity, Dimension = dimension, DimensionValue = value, DimensionValue2 = value2, Period = period, Currency = currency,
            };
            state.Deltas[key] = delta;
        }

        return delta;
    }
}
