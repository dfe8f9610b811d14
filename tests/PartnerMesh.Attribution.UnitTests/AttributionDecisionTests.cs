using PartnerMesh.Attribution.Api.Conversions;
using Xunit;

namespace PartnerMesh.Attribution.UnitTests;

public class AttributionDecisionTests
{
    private static readonly DateTimeOffset OrderedAt = new(2025, 6, 30, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromDays(30);

    [Fact]
    public void Decide_NoClick_ReturnsNoClick() =>
        Assert.Equal(AttributionDecision.NoClick, AttributionDecision.Decide(null, OrderedAt, Window));

    [Theory]
    [InlineData(0)]
    [InlineData(60)]
    [InlineData(30 * 24 * 60)]
    public void Decide_ClickInsideWindow_ReturnsLastClick(int minutesBeforeOrder) =>
        Assert.Equal(AttributionDecision.LastClick, AttributionDecision.Decide(OrderedAt.AddMinutes(-minutesBeforeOrder), OrderedAt, Window));

    [Fact]
    public void Decide_ClickJustOutsideWindow_ReturnsOutsideWindow() =>
        Assert.Equal(AttributionDecision.OutsideWindow, AttributionDecision.Decide(OrderedAt - Window - TimeSpan.FromTicks(10), OrderedAt, Window));

    [Fact]
    public void Decide_ClickSlightlyAfterOrder_IsClockSkewAndAttributes() =>
        Assert.Equal(AttributionDecision.LastClick, AttributionDecision.Decide(OrderedAt.AddMinutes(4), OrderedAt, Window));

    [Fact]
    public void Decide_ClickWellAfterOrder_ReturnsClickAfterOrder() =>
        Assert.Equal(AttributionDecision.ClickAfterOrder, AttributionDecision.Decide(OrderedAt.AddMinutes(6), OrderedAt, Window));

    [Fact]
    public void Unattributed_NamesWhyClicksOutsideTheReadHistoryDidNotCredit()
    {
        Assert.Equal(AttributionDecision.NoClick, AttributionDecision.Unattributed([], OrderedAt));
        Assert.Equal(AttributionDecision.ClickAfterOrder, AttributionDecision.Unattributed([OrderedAt.AddMinutes(6)], OrderedAt));
        Assert.Equal(AttributionDecision.OutsideWindow, AttributionDecision.Unattributed([OrderedAt.AddDays(-100)], OrderedAt));
        Assert.Equal(AttributionDecision.OutsideWindow, AttributionDecision.Unattributed([OrderedAt.AddDays(-100), OrderedAt.AddMinutes(6)], OrderedAt));
    }
}
