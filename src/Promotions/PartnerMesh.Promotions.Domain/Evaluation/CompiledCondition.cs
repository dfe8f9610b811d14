using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using PartnerMesh.Promotions.Domain.Definitions;

namespace PartnerMesh.Promotions.Domain.Evaluation;

/// <summary>A condition ready to test against a cart; <see cref="Explain"/> says why it failed.</summary>
public abstract class CompiledCondition
{
    public abstract bool IsMet(CartView cart, EvaluationContext context);

    public abstract string Explain(CartView cart, EvaluationContext context);

    public static CompiledCondition From(Condition condition) => condition switch
    {
        CartSubtotalCondition subtotal => new Subtotal(subtotal.Min),
        ItemsCondition items => new Items(new CompiledFilter(items.Filter), items.MinQuantity),
        CustomerSegmentCondition segment => new Segment(segment.Segments.ToFrozenSet(StringComparer.OrdinalIgnoreCase)),
        FirstOrderCondition => new FirstOrder(),
        PartnerCondition partner => new Partner(partner.PartnerIds.ToFrozenSet()),
        TrafficSourceCondition source => new Source(source.UtmSources.ToFrozenSet(StringComparer.OrdinalIgnoreCase)),
        TouchpointCondition touchpoint => new AtTouchpoint(touchpoint.Touchpoints.ToFrozenSet()),
        TimeWindowCondition window => new Window(window),
        _ => throw new ArgumentOutOfRangeException(nameof(condition), condition.GetType().Name, "Unknown condition."),
    };

    private static string Format(decimal amount) => amount.ToString("0.###", CultureInfo.InvariantCulture);

    private sealed class Subtotal(decimal min) : CompiledCondition
    {
        public override bool IsMet(CartView cart, EvaluationContext context) => cart.ItemsSubtotal >= min;

        public override string Explain(CartView cart, EvaluationContext context) =>
            $"cartSubtotal: items subtotal {Format(cart.ItemsSubtotal)} is below {Format(min)}";
    }

    private sealed class Items(CompiledFilter filter, int minQuantity) : CompiledCondition
    {
        public override bool IsMet(CartView cart, EvaluationContext context) => cart.QuantityMatching(filter) >= minQuantity;

        public override string Explain(CartView cart, EvaluationContext context) =>
            $"items: {cart.QuantityMatching(filter)} matching unit(s), {minQuantity} needed";
    }

    private sealed class Segment(FrozenSet<string> segments) : CompiledCondition
    {
        public override bool IsMet(CartView cart, EvaluationContext context) => context.Customer.Segments.Any(segments.Contains);

        public override string Explain(CartView cart, EvaluationContext context) => "customerSegment: the customer is in none of the segments";
    }

    private sealed class FirstOrder : CompiledCondition
    {
        public override bool IsMet(CartView cart, EvaluationContext context) =>
            !context.Customer.IsGuest && context.Customer.PreviousOrders == 0;

        public override string Explain(CartView cart, EvaluationContext context) => context.Customer.IsGuest
            ? "firstOrder: guests do not qualify"
            : context.Customer.PreviousOrders is null
            ? "firstOrder: the customer's previous orders are not known"
            : "firstOrder: the customer has ordered before";
    }

    internal sealed class Partner(FrozenSet<Guid> partnerIds) : CompiledCondition
    {
        public override bool IsMet(CartView cart, EvaluationContext context) =>
            context.PartnerId is { } partnerId && partnerIds.Contains(partnerId);

        public override string Explain(CartView cart, EvaluationContext context) => "partner: the traffic is not from a targeted partner";
    }

    private sealed class Source(FrozenSet<string> sources) : CompiledCondition
    {
        public override bool IsMet(CartView cart, EvaluationContext context) =>
            context.UtmSource is { } source && sources.Contains(source.Trim());

        public override string Explain(CartView cart, EvaluationContext context) => "trafficSource: the UTM source is not targeted";
    }

    private sealed class AtTouchpoint(FrozenSet<Touchpoint> touchpoints) : CompiledCondition
    {
        public override bool IsMet(CartView cart, EvaluationContext context) => touchpoints.Contains(context.Touchpoint);

        public override string Explain(CartView cart, EvaluationContext context) => $"touchpoint: not offered at {JsonNamingPolicy.CamelCase.ConvertName(context.Touchpoint.ToString())}";
    }

    private sealed class Window(TimeWindowCondition window) : CompiledCondition
    {
        private readonly TimeZoneInfo _zone = TimeZoneInfo.FindSystemTimeZoneById(window.TimeZone);
        private readonly FrozenSet<DayOfWeek> _days = window.Days.ToFrozenSet();

        public override bool IsMet(CartView cart, EvaluationContext context)
        {
            // The local clock as a count of days and a time of day, not a DateTime: near 0001-01-01 and 9999-12-31 the local
            // time (or the day before it) lies outside what DateTime holds, and the window is still judged there.
            var local = context.At.UtcTicks + _zone.GetUtcOffset(context.At).Ticks;
            var days = Math.DivRem(local, TimeSpan.TicksPerDay, out var ticksOfDay);
            if (ticksOfDay < 0)
            {
                (days, ticksOfDay) = (days - 1, ticksOfDay + TimeSpan.TicksPerDay);
            }

            var time = new TimeOnly(ticksOfDay);
            // A window that ends before it starts spans midnight and belongs to the day it started on; one ending at
            // 00:00 ends at the end of its day (00:00–00:00: the whole day).
            var overnight = window.To <= window.From;
            var inHours = overnight ? time >= window.From || time < window.To : time >= window.From && time < window.To;
            var day = DayOf(overnight && time < window.To ? days - 1 : days);
            return inHours && (_days.Count == 0 || _days.Contains(day));
        }

        /// <summary>The weekday of a day counted from 0001-01-01, a Monday (negative: the days before it).</summary>
        private static DayOfWeek DayOf(long day) => (DayOfWeek)(((day + 1) % 7 + 7) % 7);

        public override string Explain(CartView cart, EvaluationContext context)
        {
            var days = string.Join(", ", window.Days.Select(day => day.ToString().ToLowerInvariant()));
            var to = window.To == TimeOnly.MinValue ? EndOfDayTimeConverter.EndOfDay : ClockTimeConverter.Format(window.To);
            return $"timeWindow: outside {days} {ClockTimeConverter.Format(window.From)}–{to} {window.TimeZone}";
        }
    }
}
