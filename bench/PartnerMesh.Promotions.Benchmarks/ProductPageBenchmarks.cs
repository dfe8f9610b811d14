using BenchmarkDotNet.Attributes;
using PartnerMesh.Promotions.Domain.ProductPages;

namespace PartnerMesh.Promotions.Benchmarks;

/// <summary>
/// Deciding a product page's content from the in-memory snapshot: 10,000 live entries (1,000 partners with a partner entry
/// and a partner + product entry each, 2,000 traffic-source entries, 5,000 product entries, a default), the visit
/// matching five of them, one an A/B test with a holdout and a 50 % rollout.
/// </summary>
[MemoryDiagnoser]
public class ProductPageBenchmarks
{
    private ContentSnapshot _snapshot = ContentSnapshot.Empty;
    private ProductPageVisit _visit = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var partners = Enumerable.Range(0, 1_000).Select(_ => NewId(random)).ToList();
        var entries = new List<CompiledContent>();
        var next = 0;
        CompiledContent Add(ContentTarget target, int rollout = 100, int holdout = 0, int variants = 1)
        {
            var entry = new CompiledContent(NewId(random), 1, new ContentDefinition
            {
                Name = $"entry {next++}",
                Target = target,
                RolloutPercent = rollout,
                HoldoutPercent = holdout,
                Variants = [.. Enumerable.Range(0, variants).Select(index => new ContentVariant($"v{index}", 100 / variants, new PageContent($"banner {index}", ["p-1", "p-2"])))],
            });
            entries.Add(entry);
            return entry;
        }

        foreach (var partner in partners)
        {
            Add(new ContentTarget(partner));
            Add(new ContentTarget(partner, ProductIds: [$"p-{random.Next(5_000)}"]));
        }

        for (var index = 0; index < 2_000; index++)
        {
            Add(new ContentTarget(UtmSource: $"source-{index}"));
        }

        for (var index = 0; index < 5_000; index++)
        {
            Add(new ContentTarget(ProductIds: [$"p-{index}"]));
        }

        Add(new ContentTarget());
        Add(new ContentTarget(partners[7], ProductIds: ["p-42"]), rollout: 50, holdout: 10, variants: 2);
        _snapshot = new ContentSnapshot(entries);
        _visit = new ProductPageVisit("p-42", ["running-shoes"], partners[7], "source-3", "visitor-123", DateTimeOffset.UtcNow);
    }

    private static Guid NewId(Random random)
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes);
    }

    [Benchmark]
    public ContentDecision Resolve() => ProductPageResolver.Resolve(_snapshot, _visit);
}
