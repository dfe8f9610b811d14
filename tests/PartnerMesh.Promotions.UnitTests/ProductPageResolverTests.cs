using PartnerMesh.Promotions.Domain.Definitions;
using PartnerMesh.Promotions.Domain.Experiments;
using PartnerMesh.Promotions.Domain.ProductPages;
using Xunit;

namespace PartnerMesh.Promotions.UnitTests;

/// <summary>Product-page content: precedence among matching entries, every target criterion required, schedule, rollout and
/// the A/B split assigned by the experiments' function (sticky), and exposures only for what decided the visit.</summary>
public sealed class ProductPageResolverTests
{
    private static readonly Guid Partner = Guid.Parse("11111111-2222-3333-4444-555555555555");
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    private static CompiledContent Content(int id, ContentTarget target, int priority = 100, int rollout = 100, int holdout = 0,
        Schedule? schedule = null, params ContentVariant[] variants) =>
        new(Guid.Parse($"00000000-0000-0000-0000-{id:D12}"), 1, new ContentDefinition
        {
            Name = $"entry {id}",
            Target = target,
            Priority = priority,
            RolloutPercent = rollout,
            HoldoutPercent = holdout,
            Schedule = schedule,
            Variants = variants.Length > 0 ? variants : [new ContentVariant("main", 100, new PageContent($"banner {id}"))],
        });

    private static ProductPageVisit Visit(string product = "p-1", Guid? partner = null, string? source = null, string? sticky = "v-1",
        string[]? categories = null) => new(product, categories ?? [], partner, source, sticky, Now);

    private static Guid? Shown(ContentSnapshot snapshot, ProductPageVisit visit) => ProductPageResolver.Resolve(snapshot, visit).Entry?.Id;

    [Fact]
    public void Precedence_FollowsSpecificity_NotInsertionOrderOrPriority()
    {
        var byDefault = Content(1, new ContentTarget(), priority: 0);
        var byCategory = Content(2, new ContentTarget(Categories: ["shoes"]), priority: 0);
        var byProduct = Content(3, new ContentTarget(ProductIds: ["p-1"]), priority: 0);
        var bySource = Content(4, new ContentTarget(UtmSource: "Newsletter"), priority: 0);
        var bySourceAndProduct = Content(5, new ContentTarget(UtmSource: "newsletter", ProductIds: ["p-1"]), priority: 0);
        var byPartner = Content(6, new ContentTarget(Partner), priority: 0);
        var byPartnerAndProduct = Content(7, new ContentTarget(Partner, ProductIds: ["p-1"]), priority: 0);
        var byPartnerAndSource = Content(8, new ContentTarget(Partner, "newsletter"), priority: 0);
        CompiledContent[] all = [byDefault, byCategory, byProduct, bySource, bySourceAndProduct, byPartner, byPartnerAndProduct, byPartnerAndSource];
        var snapshot = new ContentSnapshot(all.AsEnumerable().Reverse());

        var everything = ProductPageResolver.Resolve(snapshot, Visit(partner: Partner, source: " NEWSLETTER ", categories: ["shoes"]));

        Assert.Equal(byPartnerAndSource.Id, everything.Entry!.Id);
        Assert.Equal([byPartnerAndProduct.Id, byPartner.Id, bySourceAndProduct.Id, bySource.Id, byProduct.Id, byCategory.Id, byDefault.Id],
            everything.Candidates.Select(candidate => candidate.EntryId));
        Assert.Equal(byPartnerAndProduct.Id, Shown(snapshot, Visit(partner: Partner, categories: ["shoes"])));
        Assert.Equal(byPartner.Id, Shown(snapshot, Visit("p-2", partner: Partner)));
        Assert.Equal(bySource.Id, Shown(snapshot, Visit("p-2", source: "newsletter")));
        Assert.Equal(byProduct.Id, Shown(snapshot, Visit(categories: ["shoes"])));
        Assert.Equal(byCategory.Id, Shown(snapshot, Visit("p-2", categories: ["shoes"])));
        Assert.Equal(byDefault.Id, Shown(snapshot, Visit("p-2")));
    }

    [Fact]
    public void EqualSpecificity_LowerPriorityWins_ThenLowerId()
    {
        var late = Content(1, new ContentTarget(Partner), priority: 50);
        var early = Content(2, new ContentTarget(Partner), priority: 10);
        var tie = Content(3, new ContentTarget(Partner), priority: 10);

        Assert.Equal(early.Id, Shown(new ContentSnapshot([tie, late, early]), Visit(partner: Partner)));
    }

    [Fact]
    public void EveryCriterionMustMatch_AnotherPartnersEntryIsNeverShown()
    {
        var other = Content(1, new ContentTarget(Guid.NewGuid()));
        var partnerOnOtherProduct = Content(2, new ContentTarget(Partner, ProductIds: ["p-9"]));
        var partnerFromOtherSource = Content(3, new ContentTarget(Partner, "affiliate-feed"));
        var snapshot = new ContentSnapshot([other, partnerOnOtherProduct, partnerFromOtherSource]);

        var decision = ProductPageResolver.Resolve(snapshot, Visit(partner: Partner, source: "newsletter"));

        Assert.Null(decision.Entry);
        Assert.Empty(decision.Candidates);
        Assert.Null(Shown(snapshot, Visit()));
    }

    [Fact]
    public void OutsideSchedule_GivesWayToTheNextEntry_WithItsReason()
    {
        var future = Content(1, new ContentTarget(Partner), schedule: new Schedule(Now.AddHours(1), null));
        var fallback = Content(2, new ContentTarget());

        var decision = ProductPageResolver.Resolve(new ContentSnapshot([future, fallback]), Visit(partner: Partner));

        Assert.Equal(fallback.Id, decision.Entry!.Id);
        Assert.Equal(ContentReasons.OutsideSchedule, Assert.Single(decision.Candidates).Reason);
        Assert.Equal(future.Id, Shown(new ContentSnapshot([future, fallback]), Visit(partner: Partner) with { At = Now.AddHours(2) }));
    }

    [Fact]
    public void Rollout_IsSticky_AndRaisingItKeepsEveryoneWhoWasIn()
    {
        var visitors = Enumerable.Range(0, 5_000).Select(index => $"visitor-{index}").ToList();
        HashSet<string> In(int percent)
        {
            var snapshot = new ContentSnapshot([Content(1, new ContentTarget(), rollout: percent)]);
            return [.. visitors.Where(visitor => Shown(snapshot, Visit(sticky: visitor)) is not null)];
        }

        var ten = In(10);
        var fifty = In(50);

        Assert.InRange(ten.Count / 5_000.0, 0.08, 0.12);
        Assert.InRange(fifty.Count / 5_000.0, 0.47, 0.53);
        Assert.Subset(fifty, ten);
        Assert.Empty(In(0));
        Assert.Equal(visitors.Count, In(100).Count);
    }

    [Fact]
    public void Variants_UseTheExperimentAssignment_StickyAndSplitByWeight_HoldoutFallsThrough()
    {
        var test = Content(1, new ContentTarget(Partner), holdout: 20, variants:
            [new ContentVariant("banner", 25, new PageContent("A")), new ContentVariant("reviews", 75, new PageContent(ReviewIds: ["r-1"]))]);
        var fallback = Content(2, new ContentTarget());
        var snapshot = new ContentSnapshot([test, fallback]);
        var visitors = Enumerable.Range(0, 10_000).Select(index => $"visitor-{index}").ToList();

        var decisions = visitors.Select(visitor => ProductPageResolver.Resolve(snapshot, Visit(partner: Partner, sticky: visitor))).ToList();

        for (var index = 0; index < visitors.Count; index++)
        {
            var expected = ExperimentAssignment.Assign(test.Experiment, visitors[index]);
            var decision = decisions[index];
            Assert.Equal(expected, decision.Entry!.Id == test.Id ? decision.Variant!.Key : ExperimentAssignment.Holdout);
            Assert.Equal(new ExperimentExposure(test.Id, expected), Assert.Single(decision.Exposures, exposure => exposure.ExperimentId == test.Id));
        }

        Assert.InRange(decisions.Count(decision => decision.Entry!.Id == fallback.Id) / 10_000.0, 0.18, 0.22);
        Assert.InRange(decisions.Count(decision => decision.Variant?.Key == "banner") / 10_000.0, 0.18, 0.22);
        var heldOut = decisions.First(decision => decision.Entry!.Id == fallback.Id);
        Assert.Equal(ContentReasons.Holdout, Assert.Single(heldOut.Candidates).Reason);
    }

    [Fact]
    public void WithoutAVisitorId_TestsAndRolloutsGiveWay_PlainEntriesShow_NothingIsExposed()
    {
        var test = Content(1, new ContentTarget(Partner), variants:
            [new ContentVariant("a", 50, new PageContent("A")), new ContentVariant("b", 50, new PageContent("B"))]);
        var plain = Content(2, new ContentTarget());
        var snapshot = new ContentSnapshot([test, plain]);

        var decision = ProductPageResolver.Resolve(snapshot, Visit(partner: Partner, sticky: null));

        Assert.Equal(plain.Id, decision.Entry!.Id);
        Assert.Equal(ContentReasons.NoVisitorId, Assert.Single(decision.Candidates).Reason);
        Assert.Empty(decision.Exposures);
    }

    [Fact]
    public void LowerPrecedenceEntries_AreNotExposed()
    {
        var top = Content(1, new ContentTarget(Partner));
        var below = Content(2, new ContentTarget(), variants:
            [new ContentVariant("a", 50, new PageContent("A")), new ContentVariant("b", 50, new PageContent("B"))]);

        var decision = ProductPageResolver.Resolve(new ContentSnapshot([top, below]), Visit(partner: Partner));

        Assert.Equal(new ExperimentExposure(top.Id, "main"), Assert.Single(decision.Exposures));
        Assert.Equal(ContentReasons.LowerPrecedence, Assert.Single(decision.Candidates).Reason);
    }
}
