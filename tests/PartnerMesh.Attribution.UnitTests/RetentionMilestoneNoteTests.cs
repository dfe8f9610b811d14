using PartnerMesh.Attribution.Api.Conversions;
using Xunit;

namespace PartnerMesh.Attribution.UnitTests;

/// <summary>A bonus moved by renumbering says where it came from and keeps its budget note, within the note's 100 characters.</summary>
public class RetentionMilestoneNoteTests
{
    [Theory]
    [InlineData("order-1", false, "renumbered from order order-1")]
    [InlineData("order-1", true, "renumbered from order order-1; budget-capped")]
    public void RenumberedNote_SaysWhereFrom_AndKeepsTheBudgetNote(string orderId, bool capped, string expected) =>
        Assert.Equal(expected, RetentionMilestones.RenumberedNote(orderId, capped));

    [Fact]
    public void RenumberedNote_LongestOrderId_ShortensTheIdNeverTheFacts()
    {
        var note = RetentionMilestones.RenumberedNote(new string('x', 100), budgetCapped: true);

        Assert.Equal(100, note.Length);
        Assert.StartsWith("renumbered from order xxx", note, StringComparison.Ordinal);
        Assert.EndsWith("…; budget-capped", note, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("budget-capped", true)]
    [InlineData("renumbered from order o-1; budget-capped", true)]
    [InlineData("renumbered from order budget-capped", false)]
    [InlineData(null, false)]
    public void IsBudgetCapped_ReadsTheNoteAloneOrAfterAnotherFact(string? note, bool capped) =>
        Assert.Equal(capped, RetentionMilestones.IsBudgetCapped(note));
}
