using System.Collections.Frozen;
using PartnerMesh.ServiceDefaults.Customers;

namespace PartnerMesh.Attribution.Api.Conversions;

/// <summary>What the fraud rules look at for one attributed conversion.</summary>
/// <param name="RecentClicksFromSameSource">Clicks of the crediting click's visitor or source in the hour before it (<see cref="Clicks.ClickFlooding"/>).</param>
/// <param name="ReceivedAt">When our clock received the order (the clock clicks are recorded by); judges orders dated before their click.</param>
public sealed record FraudCheck(
    string? PartnerEmail,
    string? PartnerCustomerId,
    string? CustomerEmail,
    string? CustomerId,
    DateTimeOffset? ClickedAt,
    DateTimeOffset OrderedAt,
    bool ClickHasPaidClickId,
    int RecentClicksFromSameSource,
    bool CodeLeakSuspected,
    FraudPolicy Policy,
    DateTimeOffset? ReceivedAt = null);

/// <summary>A program's fraud thresholds and policies. <see cref="MinClickToConversion"/> zero switches the fast-conversion rule off.</summary>
public sealed record FraudPolicy(TimeSpan MinClickToConversion, int ClickFloodThreshold, bool NoPaidSearch)
{
    public static readonly FraudPolicy Default = new(TimeSpan.FromSeconds(10), 20, NoPaidSearch: false);
}

public sealed record FraudFlag(string Rule, string Detail);

/// <summary>
/// Fraud rules. A flag never drops a commission: the commission is held for review with the flags as its reasons.
/// </summary>
public static class FraudRules
{
    public const string SelfReferral = "self-referral";
    public const string ClickFlooding = "click-flooding";
    public const string FastConversion = "fast-conversion";
    public const string PaidSearchPolicy = "paid-search-policy";
    public const string CodeLeak = "code-leak";
    public const string DisposableEmail = "disposable-email";

    /// <summary>
    /// Not fraud, a review hold of the same kind: commission in another currency than the program's budgets, which no
    /// exchange rate can check (<see cref="CommissionBook.BudgetUncheckable"/>).
    /// </summary>
    public const string ForeignCurrency = "foreign-currency";

    /// <summary>Well-known throwaway mailbox domains (orders from them are a classic fake-referral signal).</summary>
    public static readonly FrozenSet<string> DisposableDomains = new[]
    {
        "mailinator.com", "guerrillamail.com", "guerrillamail.net", "guerrillamail.org", "sharklasers.com", "grr.la",
        "10minutemail.com", "10minutemail.net", "tempmail.com", "temp-mail.org", "tempmail.net", "tempmailo.com",
        "yopmail.com", "yopmail.net", "trashmail.com", "trashmail.de", "throwawaymail.com", "getnada.com", "nada.email",
        "maildrop.cc", "dispostable.com", "fakeinbox.com", "mintemail.com", "mohmal.com", "emailondeck.com",
        "spamgourmet.com", "mailnesia.com", "burnermail.io", "tempr.email", "discard.email", "mytemp.email",
        "moakt.com", "tmpmail.org", "tmail.ws", "33mail.com", "inboxkitten.com", "mailcatch.com", "spambox.us",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>A new entry is held for review when any rule fired, else pending its hold period.</summary>
    public static string StatusFor(IReadOnlyList<FraudFlag> flags) => flags.Count > 0 ? CommissionStatus.Held : CommissionStatus.Pending;

    /// <summary>The rules that fired, comma-separated, as an entry stores them; <c>null</c> when none did.</summary>
    public static string? HoldReasonsOf(IReadOnlyList<FraudFlag> flags) => flags.Count > 0 ? string.Join(',', flags.Select(flag => flag.Rule)) : null;

    public static IReadOnlyList<FraudFlag> Evaluate(FraudCheck check)
    {
        var flags = new List<FraudFlag>();

        var customerEmail = CanonicalEmail(check.CustomerEmail);
        if ((customerEmail is not null && customerEmail == CanonicalEmail(check.PartnerEmail))
            || (!string.IsNullOrEmpty(check.CustomerId) && string.Equals(check.CustomerId, check.PartnerCustomerId, StringComparison.Ordinal)))
        {
            flags.Add(new(SelfReferral, "The customer is the partner itself (same email or customer id)."));
        }

        if (check.RecentClicksFromSameSource >= check.Policy.ClickFloodThreshold)
        {
            flags.Add(new(ClickFlooding, $"{check.RecentClicksFromSameSource} clicks of the visitor or source in the hour before the click (threshold {check.Policy.ClickFloodThreshold})."));
        }

        if (check.ClickedAt is { } clickedAt && check.Policy.MinClickToConversion > TimeSpan.Zero)
        {
            if (check.OrderedAt >= clickedAt)
            {
                if (check.OrderedAt - clickedAt < check.Policy.MinClickToConversion)
                {
                    flags.Add(new(FastConversion,
                        $"Ordered {(check.OrderedAt - clickedAt).TotalSeconds:0.#} s after the click (minimum {check.Policy.MinClickToConversion.TotalSeconds:0} s)."));
                }
            }
            else if (check.ReceivedAt is { } received && received - clickedAt < check.Policy.MinClickToConversion)
            {
                // Dated before its click: the storefront's clock is behind ours (within the accepted skew), so its order time
                // says nothing about the gap. Our receipt of the order bounds it from above, on the clock the click was recorded by.
                flags.Add(new(FastConversion,
                    $"Received {Math.Max(0, (received - clickedAt).TotalSeconds):0.#} s after the click, dated before it (minimum {check.Policy.MinClickToConversion.TotalSeconds:0} s)."));
            }
        }

        if (check.ClickHasPaidClickId && check.Policy.NoPaidSearch)
        {
            flags.Add(new(PaidSearchPolicy, "The click came from paid traffic (a paid click id) and the program forbids paid search."));
        }

        if (check.CodeLeakSuspected)
        {
            flags.Add(new(CodeLeak, "Coupons reported the partner's code as leaked for this order."));
        }

        if (IsDisposable(check.CustomerEmail))
        {
            flags.Add(new(DisposableEmail, "The customer's email is at a disposable-mailbox domain."));
        }

        return flags;
    }

    public static bool IsDisposable(string? email)
    {
        var folded = Fold(email);
        var at = folded.LastIndexOf('@');
        if (at < 0)
        {
            return false;
        }

        var domain = folded[(at + 1)..].TrimEnd('.');
        // Subdomains of a disposable domain count too (e.g. anything.mailinator.com).
        for (var current = domain; current.Length > 0; current = current.IndexOf('.') is var dot and >= 0 ? current[(dot + 1)..] : "")
        {
            if (DisposableDomains.Contains(current))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The mailbox an address really reaches: folded by the shared rule (<see cref="CustomerEmail.Fold(string)"/>: invisible
    /// characters removed, NFKC so full-width letters are the plain ones, trimmed, lower-cased), without a <c>+tag</c>, its
    /// domain without a trailing root dot (<c>gmail.com.</c> is <c>gmail.com</c>), and for Gmail without dots (so <c>Jane.Doe+deal@gmail.com</c> is the same
    /// person as <c>janedoe@googlemail.com</c>).
    /// </summary>
    public static string? CanonicalEmail(string? email)
    {
        var folded = Fold(email);
        var at = folded.LastIndexOf('@');
        var local = at > 0 ? folded[..at] : "";
        var domain = at > 0 ? folded[(at + 1)..].TrimEnd('.') : "";
        if (local.Length == 0 || domain.Length == 0)
        {
            return null;
        }

        if (local.IndexOf('+') is var plus and > 0)
        {
            local = local[..plus];
        }

        if (domain is "gmail.com" or "googlemail.com")
        {
            local = local.Replace(".", "", StringComparison.Ordinal);
            domain = "gmail.com";
        }

        return $"{local}@{domain}";
    }

    private static string Fold(string? email) => string.IsNullOrWhiteSpace(email) ? "" : CustomerEmail.Fold(email);
}
