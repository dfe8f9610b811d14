using PartnerMesh.Promotions.Domain.Evaluation;
using PartnerMesh.Promotions.Domain.Experiments;

namespace PartnerMesh.Promotions.Domain.ProductPages;

/// <summary>A live content entry: its id, the live version and that version's definition.</summary>
public sealed class CompiledContent
{
    public CompiledContent(Guid id, int version, ContentDefinition definition)
    {
        Id = id;
        Version = version;
        Definition = definition;
        UtmSource = Normalize(definition.Target.UtmSource);
        ProductIds = definition.Target.ProductIds is { Count: > 0 } products ? products.ToHashSet(StringComparer.Ordinal) : null;
        Categories = definition.Target.Categories is { Count: > 0 } categories ? categories.ToHashSet(StringComparer.Ordinal) : null;
        Experiment = new ExperimentDefinition(id, [.. definition.Variants.Select(variant => new ExperimentVariant(variant.Key, null, variant.Weight))],
            definition.HoldoutPercent);
    }

    public Guid Id { get; }
    public int Version { get; }
    public ContentDefinition Definition { get; }
    public string? UtmSource { get; }
    public HashSet<string>? ProductIds { get; }
    public HashSet<string>? Categories { get; }

    /// <summary>The variants as an experiment over this entry, assigned by the experiments' own function.</summary>
    public ExperimentDefinition Experiment { get; }

    /// <summary>Whether assignment needs a stable visitor id (a rollout, a holdout or more than one variant).</summary>
    public bool NeedsStickyId => Definition.RolloutPercent < 100 || Definition.HoldoutPercent > 0 || Definition.Variants.Count > 1;

    public static string? Normalize(string? utmSource) => string.IsNullOrWhiteSpace(utmSource) ? null : utmSource.Trim().ToLowerInvariant();
}

/// <summary>How specific a matching entry is: partner, then traffic source, then product (a product id over a category).</summary>
public readonly record struct ContentSpecificity(bool Partner, bool UtmSource, int Product)
{
    public const int ProductId = 2;
    public const int Category = 1;

    /// <summary>Positive when this is more specific than <paramref name="other"/>.</summary>
    public int CompareTo(ContentSpecificity other) =>
        Partner != other.Partner ? Partner.CompareTo(other.Partner)
        : UtmSource != other.UtmSource ? UtmSource.CompareTo(other.UtmSource)
        : Product.CompareTo(other.Product);

    /// <summary>What the entry matched on, most significant first (empty: the default entry).</summary>
    public IReadOnlyList<string> MatchedOn() =>
    [
        .. Partner ? ["partner"] : Array.Empty<string>(),
        .. UtmSource ? ["utmSource"] : Array.Empty<string>(),
        .. Product switch { ProductId => ["productId"], Category => ["category"], _ => Array.Empty<string>() },
    ];
}

/// <summary>A matching entry that was not shown, and why (outranked, outside its schedule, not rolled out, held out).</summary>
public sealed record ContentCandidate(Guid EntryId, int Version, string Reason, IReadOnlyList<string> MatchedOn);

/// <summary>
/// The answer for one product-page visit: the entry and variant shown (null when nothing matched), what it matched on,
/// and every other matching entry with its reason. <see cref="Exposures"/> are the entries whose variant assignment
/// decided what the visitor saw (the entry shown, and any entry the visitor was held out of).
/// </summary>
public sealed record ContentDecision(
    CompiledContent? Entry, ContentVariant? Variant, IReadOnlyList<string> MatchedOn, IReadOnlyList<ContentCandidate> Candidates,
    IReadOnlyList<ExperimentExposure> Exposures);

/// <summary>
/// The live content entries, indexed by partner, traffic source, product and category, so a visit reads only the entries
/// that can match it. Immutable: swapped whole when anything live changes.
/// </summary>
public sealed class ContentSnapshot
{
    public static readonly ContentSnapshot Empty = new([]);

    private readonly Dictionary<Guid, List<CompiledContent>> _byPartner = [];
    private readonly Dictionary<string, List<CompiledContent>> _byUtmSource = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<CompiledContent>> _byProduct = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<CompiledContent>> _byCategory = new(StringComparer.Ordinal);
    private readonly List<CompiledContent> _defaults = [];

    public ContentSnapshot(IEnumerable<CompiledContent> entries)
    {
        Entries = [.. entries];
        foreach (var entry in Entries)
        {
            var target = entry.Definition.Target;
            if (target.PartnerId is { } partner)
            {
                Add(_byPartner, partner, entry);
            }
            else if (entry.UtmSource is { } source)
            {
                Add(_byUtmSource, source, entry);
            }
            else if (entry.ProductIds is not null || entry.Categories is not null)
            {
                foreach (var product in entry.ProductIds ?? [])
                {
                    Add(_byProduct, product, entry);
                }

                foreach (var category in entry.Categories ?? [])
                {
                    Add(_byCategory, category, entry);
                }
            }
            else
            {
                _defaults.Add(entry);
            }
        }
    }

    public IReadOnlyList<CompiledContent> Entries { get; }

    internal IEnumerable<CompiledContent> CandidatesFor(ProductPageVisit visit)
    {
        var seen = new HashSet<Guid>();
        IEnumerable<CompiledContent> all = _defaults;
        if (visit.PartnerId is { } partner && _byPartner.TryGetValue(partner, out var partnerEntries))
        {
            all = all.Concat(partnerEntries);
        }

        if (CompiledContent.Normalize(visit.UtmSource) is { } source && _byUtmSource.TryGetValue(source, out var sourceEntries))
        {
            all = all.Concat(sourceEntries);
        }

        if (_byProduct.TryGetValue(visit.ProductId, out var productEntries))
        {
            all = all.Concat(productEntries);
        }

        foreach (var category in visit.Categories)
        {
            if (_byCategory.TryGetValue(category, out var categoryEntries))
            {
                all = all.Concat(categoryEntries);
            }
        }

        return all.Where(entry => seen.Add(entry.Id));
    }

    private static void Add<TKey>(Dictionary<TKey, List<CompiledContent>> index, TKey key, CompiledContent entry)
        where TKey : notnull
    {
        if (!index.TryGetValue(key, out var list))
        {
            index[key] = list = [];
        }

        list.Add(entry);
    }
}

/// <summary>
/// Decides what a product page shows. Of the entries whose every target criterion matches the visit, the most specific
/// wins (<see cref="ContentSpecificity"/>: partner + traffic source + product beats partner + traffic source beats partner +
/// product beats partner beats traffic source + product beats traffic source beats product beats the default), then the
/// lower priority, then the lower id. An entry outside its schedule, not rolled out to the visitor, or holding the visitor
/// out of its test gives way to the next one — so a holdout sees what it would have seen without that entry. Pure: no I/O.
/// </summary>
public static class ProductPageResolver
{
    public static ContentDecision Resolve(ContentSnapshot snapshot, ProductPageVisit visit)
    {
        var matching = new List<(CompiledContent Entry, ContentSpecificity Specificity)>();
        foreach (var entry in snapshot.CandidatesFor(visit))
        {
            if (Match(entry, visit) is { } specificity)
            {
                matching.Add((entry, specificity));
            }
        }

        matching.Sort((left, right) =>
        {
            var bySpecificity = right.Specificity.CompareTo(left.Specificity);
            if (bySpecificity != 0)
            {
                return bySpecificity;
            }

            var byPriority = left.Entry.Definition.Priority.CompareTo(right.Entry.Definition.Priority);
            return byPriority != 0 ? byPriority : left.Entry.Id.CompareTo(right.Entry.Id);
        });

        var candidates = new List<ContentCandidate>(matching.Count);
        var exposures = new List<ExperimentExposure>();
        (CompiledContent Entry, ContentVariant Variant, ContentSpecificity Specificity)? shown = null;
        foreach (var (entry, specificity) in matching)
        {
            if (shown is not null)
            {
                candidates.Add(new ContentCandidate(entry.Id, entry.Version, ContentReasons.LowerPrecedence, specificity.MatchedOn()));
                continue;
            }

            var (variant, reason) = Assign(entry, visit);
            if (variant is not null)
            {
                shown = (entry, variant, specificity);
                if (visit.StickyId is not null)
                {
                    exposures.Add(new ExperimentExposure(entry.Id, variant.Key));
                }

                continue;
            }

            if (reason == ContentReasons.Holdout)
            {
                exposures.Add(new ExperimentExposure(entry.Id, ExperimentAssignment.Holdout));
            }

            candidates.Add(new ContentCandidate(entry.Id, entry.Version, reason, specificity.MatchedOn()));
        }

        return shown is { } chosen
            ? new ContentDecision(chosen.Entry, chosen.Variant, chosen.Specificity.MatchedOn(), candidates, exposures)
            : new ContentDecision(null, null, [], candidates, exposures);
    }

    /// <summary>The variant the visitor gets from this entry, or why none: schedule, then rollout, then the test's holdout.</summary>
    public static (ContentVariant? Variant, string Reason) Assign(CompiledContent entry, ProductPageVisit visit)
    {
        var definition = entry.Definition;
        if (definition.Schedule is { } schedule && !schedule.Contains(visit.At))
        {
            return (null, ContentReasons.OutsideSchedule);
        }

        if (!entry.NeedsStickyId)
        {
            return (definition.Variants[0], ContentReasons.Shown);
        }

        if (visit.StickyId is not { } stickyId)
        {
            return (null, ContentReasons.NoVisitorId);
        }

        if (definition.RolloutPercent < 100 && (definition.RolloutPercent <= 0 || Eligibility.Bucket(entry.Id, stickyId) >= definition.RolloutPercent))
        {
            return (null, ContentReasons.NotInRollout);
        }

        var key = ExperimentAssignment.Assign(entry.Experiment, stickyId);
        return key == ExperimentAssignment.Holdout
            ? (null, ContentReasons.Holdout)
            : (definition.Variants.First(variant => variant.Key == key), ContentReasons.Shown);
    }

    /// <summary>How specifically the entry matches the visit, or null when one of its criteria does not.</summary>
    public static ContentSpecificity? Match(CompiledContent entry, ProductPageVisit visit)
    {
        var target = entry.Definition.Target;
        if (target.PartnerId is { } partner && visit.PartnerId != partner)
        {
            return null;
        }

        if (entry.UtmSource is { } source && !string.Equals(source, CompiledContent.Normalize(visit.UtmSource), StringComparison.Ordinal))
        {
            return null;
        }

        var product = 0;
        if (entry.ProductIds is not null || entry.Categories is not null)
        {
            product = entry.ProductIds?.Contains(visit.ProductId) == true ? ContentSpecificity.ProductId
                : entry.Categories is { } categories && visit.Categories.Any(categories.Contains) ? ContentSpecificity.Category
                : 0;
            if (product == 0)
            {
                return null;
            }
        }

        return new ContentSpecificity(target.PartnerId is not null, entry.UtmSource is not null, product);
    }
}
