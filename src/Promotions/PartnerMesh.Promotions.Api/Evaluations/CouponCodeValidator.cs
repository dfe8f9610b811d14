using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using PartnerMesh.Promotions.Domain.Evaluation;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.Promotions.Api.Evaluations;

/// <summary>What the coupons service said about the entered codes (a code it knows is its code, also one a promotion lists).</summary>
/// <param name="Unlocked">The valid codes, by the promotion each unlocks (the first in ordinal order when several unlock one).</param>
/// <param name="PartnerCodes">The partners valid partner codes belong to, each with its code (the first in ordinal order
/// when it has several).</param>
/// <param name="OnePerOrder">The valid codes whose campaign allows one code per order (not <c>stackable</c>, coupons'
/// default; also when the answer does not say).</param>
/// <param name="RefusedDetails">Coupons' readable <c>detail</c> of the refused codes that have one.</param>
/// <param name="Valid">Every valid code, with the promotion it names — also one that another code of the same promotion
/// comes after in ordinal order (that one is not <paramref name="Unlocked"/>'s, but its answer names the promotion).</param>
/// <param name="Claimed">Codes a live promotion lists that the coupons service knows (valid or refused): one code has one
/// owner, so they are coupons' codes and the promotion's own list does not match them.</param>
public sealed record CouponCodeCheck(
    IReadOnlyDictionary<Guid, string> Unlocked, IReadOnlyDictionary<string, string> Refused, IReadOnlyDictionary<Guid, string>? PartnerCodes = null,
    IReadOnlySet<string>? OnePerOrder = null, IReadOnlyDictionary<string, string>? RefusedDetails = null,
    IReadOnlyDictionary<string, Guid>? Valid = null, IReadOnlySet<string>? Claimed = null)
{
    public static readonly CouponCodeCheck None = new(new Dictionary<Guid, string>(), new Dictionary<string, string>(StringComparer.Ordinal));

    /// <summary>The partner the valid partner codes name when they all name one; codes of two or more partners name none,
    /// whatever order they were entered in.</summary>
    public (Guid PartnerId, string Code)? SolePartner => PartnerCodes is { Count: 1 } codes ? (codes.First().Key, codes.First().Value) : null;

    /// <summary>Whether checkout can redeem these valid codes on one order, as coupons decides it (docs/coupons.md): one
    /// code, or codes of stackable campaigns only.</summary>
    public bool RedeemableTogether(IReadOnlyCollection<string> codes) =>
        codes.Count <= 1 || OnePerOrder is null || !codes.Any(OnePerOrder.Contains);

    /// <summary>
    /// The largest combinations of the valid codes that checkout can redeem on one order: each code of a one-code-per-order
    /// campaign alone, and the codes of stackable campaigns together. Built from the codes in ordinal order and listed in
    /// that order (a combination before another when its codes come first), whatever order the codes were entered in.
    /// </summary>
    public IEnumerable<string[]> RedeemableCombinations()
    {
        var codes = Unlocked.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var stackable = codes.Where(code => OnePerOrder?.Contains(code) != true).ToArray();
        IEnumerable<string[]> combinations = codes.Where(code => OnePerOrder?.Contains(code) == true).Select(code => new[] { code });
        return (stackable.Length > 0 ? combinations.Append(stackable) : combinations)
            .Order(Comparer<string[]>.Create(static (left, right) => CompareCodes(left, right)));
    }

    private static int CompareCodes(string[] left, string[] right)
    {
        for (var index = 0; index < Math.Min(left.Length, right.Length); index++)
        {
            if (string.CompareOrdinal(left[index], right[index]) is var order and not 0)
            {
                return order;
            }
        }

        return left.Length.CompareTo(right.Length);
    }
}

/// <summary>
/// The shopper's own use of a code, which coupons leaves out of the code's limits when it validates: the live hold the
/// storefront reserved with the checkout's id (<paramref name="CheckoutId"/>, or <paramref name="QuoteId"/> — coupons' two
/// names of one id, so one of them is sent), and the redemption of the order (<paramref name="OrderId"/>) when the
/// storefront redeemed before promotions verified the order.
/// </summary>
public sealed record CouponOwnUse(string? CheckoutId = null, string? QuoteId = null, string? OrderId = null)
{
    /// <summary>An order on <paramref name="quote"/>: the storefront reserved the code with the checkout id the evaluation
    /// named (a checkout re-priced keeps it), else with the quote id.</summary>
    public static CouponOwnUse ForOrder(Quote quote, string orderId) =>
        quote.CheckoutId is { } checkoutId ? new(CheckoutId: checkoutId, OrderId: orderId) : new(QuoteId: quote.Id.ToString(), OrderId: orderId);
}

/// <summary>
/// Asks the coupons service (<c>POST /api/coupons/validations</c>, docs/promotions.md) whether each entered code is valid
/// for this customer and cart, and which promotion it unlocks. A code the coupons service knows is its code, also when a
/// live promotion lists it; the promotion's own list is the fallback for codes coupons does not know (or could not answer
/// about in time). Short timeout (1 s), no retries
/// on the evaluation path: an unreachable coupons service refuses the code with <c>coupon_service_unavailable</c> — never
/// a 500, never a silent drop. Only when the AppHost gave promotions a reference to coupons (service discovery).
/// </summary>
public sealed class CouponCodeValidator(
    HttpClient http, OutboundServiceTokens serviceTokens, IConfiguration configuration, IOptions<PromotionsOptions> options, ILogger<CouponCodeValidator> logger)
{
    public const string CouponServiceUnavailable = "coupon_service_unavailable";
    private const string UnknownCode = "unknown";
    private TimeSpan Timeout => options.Value.CouponValidationTimeout;

    /// <param name="At">A preview's time (the evaluation's <c>at</c>): coupons judges the validity window then.</param>
    private sealed record ValidationRequest(
        string Code, ValidationCustomer Customer, decimal CartTotal, string Currency, Guid? PartnerId, DateTimeOffset? At,
        string? CheckoutId, string? QuoteId, string? OrderId);

    private sealed record ValidationCustomer(string? Id, string? Email);

    private sealed record ValidationAnswer(bool Valid, Guid? PromotionId, string? Reason, Guid? PartnerId = null, bool? Stackable = null, string? Detail = null);

    public bool IsConfigured => configuration[$"services:{ResourceNames.CouponsApi}:http:0"] is { Length: > 0 };

    /// <param name="previewAt">The time a preview evaluates for (<c>at</c>), sent to coupons; null for now.</param>
    /// <param name="own">The checkout, quote or order the codes are asked about for, sent to coupons: the shopper's own hold
    /// or redemption of a code made with it is not counted against the code's limits; null for none.</param>
    public async Task<CouponCodeCheck> CheckAsync(
        RuleSet ruleSet, Cart cart, EvaluationContext context, DateTimeOffset? previewAt, CancellationToken cancellationToken, CouponOwnUse? own = null)
    {
        // A string that cannot be a code is unknown to coupons too: it is not asked about.
        var codes = context.Codes.Select(entered => PromotionCodes.TryNormalize(entered, out var code) ? code : null).OfType<string>()
            .Distinct(StringComparer.Ordinal).ToArray();
        if (codes.Length == 0 || !IsConfigured)
        {
            return CouponCodeCheck.None;
        }

        var itemsTotal = cart.Lines.Sum(line => line.Subtotal);
        var answers = await Task.WhenAll(codes.Select(code => AskAsync(code, context, itemsTotal, cart.Currency, previewAt, own, cancellationToken)));
        var unlocked = new Dictionary<Guid, string>();
        var valid = new Dictionary<string, Guid>(StringComparer.Ordinal);
        var refused = new Dictionary<string, string>(StringComparer.Ordinal);
        var refusedDetails = new Dictionary<string, string>(StringComparer.Ordinal);
        var partnerCodes = new Dictionary<Guid, string>();
        var onePerOrder = new HashSet<string>(StringComparer.Ordinal);
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (code, answer) in codes.Zip(answers))
        {
            if (ruleSet.IsKnownCode(code))
            {
                if (answer is null or { Valid: false, Reason: CouponServiceUnavailable })
                {
                    continue; // coupons does not know it (or could not say): the promotion's own code
                }

                claimed.Add(code);
            }

            if (answer is { Valid: true, PromotionId: { } promotionId })
            {
                valid[code] = promotionId;
                if (!unlocked.TryGetValue(promotionId, out var other) || string.CompareOrdinal(code, other) < 0)
                {
                    unlocked[promotionId] = code;
                }

                if (answer.Stackable != true)
                {
                    onePerOrder.Add(code);
                }

                if (answer.PartnerId is { } partnerId
                    && (!partnerCodes.TryGetValue(partnerId, out var known) || string.CompareOrdinal(code, known) < 0))
                {
                    partnerCodes[partnerId] = code;
                }
            }
            else if (answer is { Valid: false })
            {
                refused[code] = answer.Reason ?? ReasonCodes.CodeInvalid;
                if (answer.Detail is { } detail)
                {
                    refusedDetails[code] = detail;
                }
            }
        }

        return new CouponCodeCheck(unlocked, refused, partnerCodes, onePerOrder, refusedDetails, valid, claimed);
    }

    /// <summary>
    /// The coupons service's answer; null when it does not know the code (<c>reason: unknown</c>, a 404, or a 400 naming
    /// <c>code</c>: a string that cannot be a code, docs/coupons.md). No answer about the code — a timeout, no connection, a
    /// 5xx, or any other status (a 400 about another field, 401, 403, 429: a fault of the call, not of the code) — is
    /// <c>coupon_service_unavailable</c>, logged.
    /// </summary>
    private async Task<ValidationAnswer?> AskAsync(
        string code, EvaluationContext context, decimal cartTotal, string currency, DateTimeOffset? previewAt, CouponOwnUse? own,
        CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"http://{ResourceNames.CouponsApi}/api/coupons/validations")
            {
                Content = JsonContent.Create(new ValidationRequest(code, new ValidationCustomer(context.Customer.Id, context.Customer.Email),
                    cartTotal, currency, context.PartnerId, previewAt, own?.CheckoutId, own?.QuoteId, own?.OrderId)),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", serviceTokens.For(ResourceNames.CouponsApi));
            using var response = await http.SendAsync(request, timeout.Token);
            if (response.StatusCode == HttpStatusCode.NotFound
                || (response.StatusCode == HttpStatusCode.BadRequest && await NamesCodeAsync(response, timeout.Token)))
            {
                return null;
            }

            if (response.IsSuccessStatusCode)
            {
                var answer = await response.Content.ReadFromJsonAsync<ValidationAnswer>(timeout.Token);
                return answer is { Valid: false, Reason: UnknownCode } ? null : answer;
            }

            logger.LogWarning("The coupons service answered {Status} for a code validation", (int)response.StatusCode);
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException or System.Text.Json.JsonException
                                          && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(exception, "The coupons service could not validate a code in {Timeout}", Timeout);
        }

        return new ValidationAnswer(false, null, CouponServiceUnavailable);
    }

    /// <summary>Whether a 400's validation problem names the code (its <c>errors</c> has a <c>code</c> entry).</summary>
    private static async Task<bool> NamesCodeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<ValidationErrors>(cancellationToken) is { Errors: { } errors }
                && errors.ContainsKey("code");
        }
        catch (Exception exception) when (exception is System.Text.Json.JsonException or NotSupportedException)
        {
            return false;
        }
    }

    private sealed record ValidationErrors(Dictionary<string, string[]>? Errors);
}
