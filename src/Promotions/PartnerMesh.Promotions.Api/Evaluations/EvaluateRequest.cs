using System.ComponentModel.DataAnnotations;
using PartnerMesh.Promotions.Domain.Evaluation;

namespace PartnerMesh.Promotions.Api.Evaluations;

/// <summary>A cart (or one product, for a product page) with who is shopping and where they came from.</summary>
public sealed record EvaluateRequest
{
    [Required]
    public string? Currency { get; init; }

    [Required]
    public IReadOnlyList<CartLineRequest>? Lines { get; init; }

    public decimal? Shipping { get; init; }
    public CustomerRequest? Customer { get; init; }
    public string? VisitorId { get; init; }
    public Guid? ClickId { get; init; }
    public Guid? PartnerId { get; init; }
    public string? UtmSource { get; init; }

    /// <summary>Codes in the order the shopper entered them.</summary>
    public IReadOnlyList<string>? Codes { get; init; }

    public Touchpoint? Touchpoint { get; init; }

    /// <summary>When to evaluate (default: now), e.g. to preview a scheduled promotion. A preview: the answer carries no
    /// quote and reserves nothing, since an order is always priced now.</summary>
    public DateTimeOffset? At { get; init; }

    /// <summary>The storefront's id of this checkout (trimmed, 1 to 100 characters): a checkout evaluation carrying it
    /// replaces the budget hold of the same checkout's earlier evaluations instead of taking another one. Ignored away
    /// from checkout and in a preview (nothing is reserved there).</summary>
    public string? CheckoutId { get; init; }
}

public sealed record CartLineRequest
{
    [Required]
    public string? Id { get; init; }

    [Required]
    public string? ProductId { get; init; }

    [Required]
    public int? Quantity { get; init; }

    [Required]
    public decimal? UnitPrice { get; init; }

    public IReadOnlyList<string>? Categories { get; init; }
    public IReadOnlyList<string>? Collections { get; init; }
}

public sealed record CustomerRequest
{
    public string? Id { get; init; }
    public string? Email { get; init; }
    public bool Guest { get; init; }
    public IReadOnlyList<string>? Segments { get; init; }
    public int? PreviousOrders { get; init; }
}
