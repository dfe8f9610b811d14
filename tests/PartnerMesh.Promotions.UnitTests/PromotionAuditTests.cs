using PartnerMesh.Promotions.Domain.Audit;
using PartnerMesh.Promotions.Domain.Definitions;
using PartnerMesh.Promotions.Domain.Evaluation;
using Xunit;
using static PartnerMesh.Promotions.UnitTests.Build;

namespace PartnerMesh.Promotions.UnitTests;

public sealed class PromotionAuditTests
{
    private static AuditedPromotion Audited(int number, PromotionDefinition definition, params BudgetUsage[] usage) => new(Id(number), definition, usage);

    private static IReadOnlyList<AuditFinding> Run(StackingMode mode = StackingMode.Stack, decimal? max = null, params AuditedPromotion[] promotions) =>
        PromotionAudit.Run(promotions, mode, max, Now);

    [Fact]
    public void ScheduleEnded_IsBlocking()
    {
        var ended = Definition(new FreeShipping()) with { Schedule = new Schedule(Now.AddDays(-3), Now.AddDays(-1)) };

        var finding = Assert.Single(Run(promotions: Audited(1, ended)));

        Assert.Equal(AuditCodes.ScheduleInPast, finding.Code);
        Assert.Equal(AuditSeverities.Blocking, finding.Severity);
    }

    [Fact]
    public void DisjointPartnerConditions_CanNeverApply()
    {
        var impossible = Definition(new FreeShipping(), new PartnerCondition([Guid.NewGuid()]), new PartnerCondition([Guid.NewGuid()]));

        Assert.Equal(AuditCodes.ImpossibleConditions, Assert.Single(Run(promotions: Audited(1, impossible))).Code);
    }

    [Fact]
    public void EmptyTimeWindow_CanNeverApply()
    {
        var never = Definition(new FreeShipping(), new TimeWindowCondition("Europe/Berlin", [DayOfWeek.Monday], new TimeOnly(9, 0), new TimeOnly(9, 0)));

        Assert.Equal(AuditCodes.ImpossibleConditions, Assert.Single(Run(promotions: Audited(1, never))).Code);
    }

    [Fact]
    public void WholeDayTimeWindow_IsNoFinding()
    {
        var allMonday = Definition(new FreeShipping(), new TimeWindowCondition("Europe/Berlin", [DayOfWeek.Monday], TimeOnly.MinValue, TimeOnly.MinValue));

        Assert.Empty(Run(promotions: Audited(1, allMonday)));
    }

    [Fact]
    public void RolledOutToNobody_IsAWarning()
    {
        var finding = Assert.Single(Run(promotions: Audited(1, Definition(new FreeShipping()) with { RolloutPercent = 0 })));

        Assert.Equal(AuditCodes.EmptyAudience, finding.Code);
        Assert.Equal(AuditSeverities.Warning, finding.Severity);
    }

    [Fact]
    public void TwoExclusivesOnTheSameProduct_Overlap_OnDifferentProductsOrPartnersOrSchedules_DoNot()
    {
        PromotionDefinition Exclusive(string product) => Definition(new PercentOffItems(10m, Products(product))) with { Exclusivity = Exclusivity.Exclusive };

        var same = Run(promotions: [Audited(1, Exclusive("shoe")), Audited(2, Exclusive("shoe"))]);
        var different = Run(promotions: [Audited(1, Exclusive("shoe")), Audited(2, Exclusive("hat"))]);
        var partners = Run(promotions:
        [
            Audited(1, Exclusive("shoe") with { Conditions = [new PartnerCondition([Id(90)])] }),
            Audited(2, Exclusive("shoe") with { Conditions = [new PartnerCondition([Id(91)])] }),
        ]);
        var schedules = Run(promotions:
        [
            Audited(1, Exclusive("shoe") with { Schedule = new Schedule(Now, Now.AddDays(1)) }),
            Audited(2, Exclusive("shoe") with { Schedule = new Schedule(Now.AddDays(1), Now.AddDays(2)) }),
        ]);

        Assert.Equal([Id(1), Id(2)], Assert.Single(same, finding => finding.Code == AuditCodes.OverlappingExclusive).PromotionIds);
        Assert.DoesNotContain(different, finding => finding.Code == AuditCodes.OverlappingExclusive);
        Assert.DoesNotContain(partners, finding => finding.Code == AuditCodes.OverlappingExclusive);
        Assert.DoesNotContain(schedules, finding => finding.Code == AuditCodes.OverlappingExclusive);
    }

    [Fact]
    public void StackingPastTheMaximum_IsBlocking_BestDealTakesOnePerClass()
    {
        // 40 % then 30 % on the same item, then 20 % off the order: 1 − 0.6 × 0.7 × 0.8 = 66.4 %.
        AuditedPromotion[] promotions =
        [
            Audited(1, Definition(new PercentOffItems(40m, Products("shoe")))),
            Audited(2, Definition(new PercentOffItems(30m, Products("shoe")))),
            Audited(3, Definition(new PercentOffOrder(20m))),
        ];

        var stacked = Assert.Single(Run(StackingMode.Stack, 60m, promotions), finding => finding.Code == AuditCodes.StacksPastMaximum);
        var underLimit = Run(StackingMode.Stack, 70m, promotions);
        var bestDeal = Run(StackingMode.BestDeal, 60m, promotions); // 1 − 0.6 × 0.8 = 52 %

        Assert.Equal(AuditSeverities.Blocking, stacked.Severity);
        Assert.Contains("66.4", stacked.Detail, StringComparison.Ordinal);
        Assert.Equal([Id(1), Id(2), Id(3)], stacked.PromotionIds);
        Assert.DoesNotContain(underLimit, finding => finding.Code == AuditCodes.StacksPastMaximum);
        Assert.DoesNotContain(bestDeal, finding => finding.Code == AuditCodes.StacksPastMaximum);
    }

    [Fact]
    public void BudgetBurningFasterThanThePeriod_IsAWarning_SlowBurnIsNot()
    {
        var budget = new Budget { Period = BudgetPeriod.Day, MaxUses = 100 };
        var definition = Definition(new FreeShipping()) with { Budgets = [budget] };
        var dayStart = new DateTimeOffset(Now.UtcDateTime.Date, TimeSpan.Zero); // Now is 12:00: half the day gone

        var fast = Run(promotions: Audited(1, definition, new BudgetUsage(budget, 60, 0m, dayStart, dayStart.AddDays(1))));
        var slow = Run(promotions: Audited(1, definition, new BudgetUsage(budget, 40, 0m, dayStart, dayStart.AddDays(1))));

        Assert.Equal(AuditCodes.BudgetRunsOut, Assert.Single(fast).Code);
        Assert.Empty(slow);
    }
}
