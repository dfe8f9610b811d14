using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using PartnerMesh.Promotions.Api;
using PartnerMesh.Promotions.Api.Evaluations;
using PartnerMesh.Promotions.Domain.Evaluation;
using Xunit;

namespace PartnerMesh.Promotions.FunctionalTests;

/// <summary>
/// The cart fingerprint and the quote signature hash their canonical texts as they are written. These tests spell each
/// text out plainly and check that the hashes are those of the spelled-out texts, over random carts and quotes that
/// cross the writer's buffer and carry surrogate pairs, bars, colons and absent fields: a quote issued before a change of
/// the writer must still verify after it (unless the canonical text itself changes, which is versioned).
/// </summary>
public sealed class CanonicalHashTests
{
    private static readonly string Key = Convert.ToBase64String(Enumerable.Range(1, 32).Select(value => (byte)value).ToArray());
    private readonly QuoteSigner _signer = new(Options.Create(new PromotionsOptions { QuoteSigningKey = Key }));

    [Fact]
    public void CartFingerprint_IsTheSha256OfTheSpelledOutCanonicalText()
    {
        for (var seed = 0; seed < 300; seed++)
        {
            var random = new Random(seed);
            var (cart, context) = RandomCart(random);

            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CartText(cart, context)))), CartFingerprint.Of(cart, context));
        }
    }

    [Fact]
    public void CartFingerprint_DoesNotDependOnLineOrSegmentOrder()
    {
        var (cart, context) = RandomCart(new Random(7));
        var reordered = cart with { Lines = [.. cart.Lines.Reverse().Select(line => line with { Categories = [.. line.Categories.Reverse()] })] };
        var resegmented = context with { Customer = context.Customer with { Segments = [.. context.Customer.Segments.Reverse()] } };

        Assert.Equal(CartFingerprint.Of(cart, context), CartFingerprint.Of(reordered, resegmented));
    }

    [Fact]
    public void CartFingerprint_FieldsCannotRunIntoEachOther_AndEveryAnswerChangingInputCounts()
    {
        var context = new EvaluationContext { At = DateTimeOffset.UnixEpoch, Customer = new Customer { Id = "c", PreviousOrders = 0 } };
        Cart Line(string id, string product) => new() { Currency = "EUR", Lines = [new CartLine { Id = id, ProductId = product, Quantity = 1, UnitPrice = 1m }] };
        var fingerprint = CartFingerprint.Of(Line("1", "p"), context);

        Assert.NotEqual(CartFingerprint.Of(Line("1:Y", "X"), context), CartFingerprint.Of(Line("1", "Y:X"), context));
        Assert.NotEqual(CartFingerprint.Of(Line("1", "p"), context with { Customer = new Customer { Segments = ["a,b"] } }),
            CartFingerprint.Of(Line("1", "p"), context with { Customer = new Customer { Segments = ["a", "b"] } }));
        Assert.NotEqual(fingerprint, CartFingerprint.Of(Line("1", "p"), context with { Customer = context.Customer with { IsGuest = true } }));
        Assert.NotEqual(fingerprint, CartFingerprint.Of(Line("1", "p"), context with { Touchpoint = Touchpoint.Checkout }));
        Assert.NotEqual(fingerprint, CartFingerprint.Of(Line("1", "p"), context with { Customer = context.Customer with { PreviousOrders = null } }));
    }

    [Fact]
    public void QuoteSignature_IsTheHmacOfTheSpelledOutCanonicalText_AndVerifies()
    {
        for (var seed = 0; seed < 300; seed++)
        {
            var quote = _signer.Sign(RandomQuote(new Random(seed)));

            var expected = Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(Key), Encoding.UTF8.GetBytes(QuoteText(quote))));
            Assert.Equal(expected, quote.Signature);
            Assert.True(_signer.IsAuthentic(quote));
            Assert.False(_signer.IsAuthentic(quote with { GrandTotal = quote.GrandTotal + 0.01m }));
        }
    }

    /// <summary>Every text field as its length, a colon and the text (<c>~</c> when absent), numbers ended by <c>;</c>,
    /// lists as their count and then their sorted items.</summary>
    private static string CartText(Cart cart, EvaluationContext context)
    {
        static string Field(string? value) => value is null ? "~" : $"{value.Length}:{value}";
        static string List(IEnumerable<string> values)
        {
            var sorted = values.Order(StringComparer.Ordinal).ToList();
            return $"{sorted.Count};" + string.Concat(sorted.Select(Field));
        }

        var text = new StringBuilder("pm-cart-v2|").Append(Field(cart.Currency)).Append(CultureInfo.InvariantCulture, $"{(int)context.Touchpoint};");
        foreach (var line in cart.Lines.OrderBy(line => line.Id, StringComparer.Ordinal))
        {
            text.Append("|L").Append(Field(line.Id)).Append(Field(line.ProductId))
                .Append(CultureInfo.InvariantCulture, $"{line.Quantity};{Amount(line.UnitPrice)};")
                .Append(List(line.Categories)).Append(List(line.Collections));
        }

        var customer = context.Customer;
        text.Append(CultureInfo.InvariantCulture, $"|S{Amount(cart.Shipping)};|C").Append(Field(customer.Id)).Append(Field(customer.Email))
            .Append(customer.IsGuest ? "1;" : "0;").Append(customer.PreviousOrders is { } previous ? $"{previous};" : "~")
            .Append(List(customer.Segments))
            .Append("|T").Append(Field(context.VisitorId)).Append(context.PartnerId?.ToString("N") ?? "~").Append(context.ClickId?.ToString("N") ?? "~")
            .Append(Field(context.UtmSource?.Trim().ToLowerInvariant()))
            .Append("|K").Append(List(context.Codes.Select(PromotionCodes.Normalize).Where(code => code.Length > 0).Distinct(StringComparer.Ordinal)));
        return text.ToString();
    }

    private static string QuoteText(Quote quote)
    {
        string[] fields =
        [
            quote.Id.ToString("N"),
            quote.IssuedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            quote.ExpiresAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            quote.RuleSetVersion.ToString(CultureInfo.InvariantCulture),
            quote.Currency,
            quote.CartHash,
            Amount(quote.DiscountTotal),
            Amount(quote.GrandTotal),
            .. quote.Promotions.Select(promotion => $"{promotion.PromotionId:N}:{promotion.Version}:{Amount(promotion.Amount)}:{promotion.Code}"),
            quote.ReservationId?.ToString("N") ?? "-",
            quote.PartnerId?.ToString("N") ?? "-",
        ];
        return "pm-quote-v1" + string.Concat(fields.Select(field => "|" + field.Replace("|", "||", StringComparison.Ordinal)));
    }

    private static string Amount(decimal amount) => amount.ToString("0.############################", CultureInfo.InvariantCulture);

    private static (Cart, EvaluationContext) RandomCart(Random random)
    {
        var lines = Enumerable.Range(0, random.Next(0, 12)).Select(index => new CartLine
        {
            Id = random.Next(4) == 0 ? "same-id" : Text(random, 1, 40),
            ProductId = Text(random, 1, random.Next(10) == 0 ? 900 : 30),
            Quantity = random.Next(1, 1000),
            UnitPrice = Money(random),
            Categories = [.. Enumerable.Range(0, random.Next(0, 4)).Select(_ => Text(random, 1, 20))],
            Collections = [.. Enumerable.Range(0, random.Next(0, 3)).Select(_ => Text(random, 1, 20))],
        }).ToList();
        var cart = new Cart { Currency = "EUR", Lines = lines, Shipping = Money(random) };
        var context = new EvaluationContext
        {
            At = DateTimeOffset.UnixEpoch,
            Customer = new Customer
            {
                Id = Maybe(random, () => Text(random, 1, 30)),
                Email = Maybe(random, () => Text(random, 3, 60) + "@example.com"),
                IsGuest = random.Next(2) == 0,
                PreviousOrders = random.Next(3) == 0 ? null : random.Next(0, 50),
                Segments = [.. Enumerable.Range(0, random.Next(0, 4)).Select(_ => Text(random, 1, 15))],
            },
            VisitorId = Maybe(random, () => Text(random, 1, 40)),
            PartnerId = random.Next(2) == 0 ? null : Guid.NewGuid(),
            ClickId = random.Next(2) == 0 ? null : Guid.NewGuid(),
            UtmSource = Maybe(random, () => "  " + Text(random, 1, 20) + " "),
            Codes = [.. Enumerable.Range(0, random.Next(0, 4)).Select(_ => random.Next(5) == 0 ? "  " : Text(random, 1, 12))],
            Touchpoint = (Touchpoint)random.Next(3),
        };
        return (cart, context);
    }

    private static Quote RandomQuote(Random random) => new()
    {
        Id = Guid.NewGuid(),
        IssuedAt = DateTimeOffset.FromUnixTimeMilliseconds(random.NextInt64(0, 4_000_000_000_000)),
        ExpiresAt = DateTimeOffset.FromUnixTimeMilliseconds(random.NextInt64(0, 4_000_000_000_000)),
        RuleSetVersion = random.NextInt64(),
        Currency = random.Next(10) == 0 ? "E|R" : "EUR",
        CartHash = Text(random, 64, 64),
        DiscountTotal = Money(random),
        GrandTotal = Money(random),
        Promotions = [.. Enumerable.Range(0, random.Next(0, 30)).Select(_ =>
            new QuotedPromotion(Guid.NewGuid(), random.Next(1, 100), Money(random), Maybe(random, () => Text(random, 1, 30))))],
        ReservationId = random.Next(2) == 0 ? null : Guid.NewGuid(),
        PartnerId = random.Next(2) == 0 ? null : Guid.NewGuid(),
    };

    private static decimal Money(Random random) => random.Next(4) switch
    {
        0 => 0m,
        1 => 10.50m,
        2 => Math.Round((decimal)random.NextDouble() * 10_000m, random.Next(0, 5)),
        _ => 79_228_162_514_264m + 0.1234m,
    };

    private static string? Maybe(Random random, Func<string> value) => random.Next(3) == 0 ? null : value();

    /// <summary>Letters, digits, bars, commas, colons, accents and surrogate pairs.</summary>
    private static string Text(Random random, int min, int max)
    {
        string[] pieces = ["a", "Z", "7", "|", ",", ":", "é", "ß", "😀", "𝔘", "-", "ı"];
        var text = new StringBuilder();
        var length = random.Next(min, max + 1);
        while (text.Length < length)
        {
            text.Append(pieces[random.Next(pieces.Length)]);
        }

        return text.ToString();
    }
}
