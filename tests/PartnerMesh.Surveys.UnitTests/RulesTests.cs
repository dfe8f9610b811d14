using Microsoft.Extensions.Options;
using PartnerMesh.Surveys.Api;
using PartnerMesh.Surveys.Api.Decisions;
using PartnerMesh.Surveys.Api.Definitions;
using PartnerMesh.Surveys.Api.EmailLinks;
using PartnerMesh.Surveys.Api.Insights;
using PartnerMesh.Surveys.Api.Responses;
using Xunit;

namespace PartnerMesh.Surveys.UnitTests;

public sealed class RulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Sampling_IsStickyPerVisitor_AndCloseToThePercentage()
    {
        var survey = Guid.Parse("0193a1b2-0000-7000-8000-000000000001");
        var visitors = Enumerable.Range(0, 20_000).Select(index => $"visitor-{index}").ToList();

        var inSample = visitors.Count(visitor => Targeting.InSample(survey, visitor, 25m));

        Assert.InRange(inSample, 4_600, 5_400);
        Assert.All(visitors.Take(200), visitor => Assert.Equal(Targeting.InSample(survey, visitor, 25m), Targeting.InSample(survey, visitor, 25m)));
        Assert.All(visitors.Take(200), visitor => Assert.True(!Targeting.InSample(survey, visitor, 10m) || Targeting.InSample(survey, visitor, 25m)));
    }

    [Theory]
    [InlineData("once", null, null, false, true)]
    [InlineData("once", null, 1, false, false)]
    [InlineData("until-submitted", null, 1, false, true)]
    [InlineData("until-submitted", null, 1, true, false)]
    [InlineData("until-submitted", 48, 24, false, false)]
    [InlineData("cooldown", 48, 24, false, false)]
    [InlineData("cooldown", 48, 49, true, true)]
    public void FrequencyRules(string mode, int? cooldownHours, int? shownHoursAgo, bool submitted, bool allowed)
    {
        var survey = new Survey { Name = "s", Kind = "nps", Trigger = "post-purchase", FrequencyMode = mode, CooldownMinutes = cooldownHours * 60, CreatedBy = "t" };
        var state = new FrequencyState(shownHoursAgo is { } hours ? Now.AddHours(-hours) : null, submitted);

        Assert.Equal(allowed, FrequencyRule.Allows(survey, state, Now));
        Assert.Equal(state with { LastShownAt = state.LastShownAt is { } at ? DateTimeOffset.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds()) : null },
            FrequencyState.Parse(state.Serialize()));
    }

    [Fact]
    public void FrequencyStates_OfOneShoppersIdentities_MergeToTheLatestShowing_SubmittedIfAnyIs()
    {
        var earlier = new FrequencyState(Now.AddHours(-2), true);
        var later = new FrequencyState(Now, false);

        Assert.Equal(new FrequencyState(Now, true), FrequencyState.Merge(earlier, later));
        Assert.Equal(new FrequencyState(Now, true), FrequencyState.Merge(later, earlier));
        Assert.Equal(later, FrequencyState.Merge(FrequencyState.None, later));
        Assert.Equal(FrequencyState.None, FrequencyState.Merge(FrequencyState.None, FrequencyState.None));
    }

    [Fact]
    public void ShopperIdentities_VisitorAsBefore_CustomerAndEmailInTheirOwnSpaces_EmailFoldedAndHashed()
    {
        var shopper = new Shopper("customer:x", " c-1 ", "  Jos\u00e9@Example.com");
        var sameEmail = new Shopper("v-2", Email: "jose\u0301@example.COM");

        var identities = shopper.Identities();

        Assert.Equal([("", "customer:x"), ("customer:", "c-1")], identities.Take(2));
        Assert.Equal("email:", identities[2].Space);
        Assert.Equal(64, identities[2].Id.Length);
        Assert.Equal(identities[2], sameEmail.Identities()[1]);
        Assert.NotEqual(FrequencyRecord.Key(Guid.Empty, identities[0]), FrequencyRecord.Key(Guid.Empty, identities[1]));
        Assert.Single(new Shopper("v", "  ", "").Identities());
    }

    [Fact]
    public void Answers_ChoiceWithOther_NeedsItsText()
    {
        IReadOnlyList<Question> questions = [ReasonCodes.DefaultExitIntentQuestion()];

        var missing = AnswerRules.Validate(questions, [new Answer { QuestionId = "reason", Choices = ["other"] }], out _);
        var unknown = AnswerRules.Validate(questions, [new Answer { QuestionId = "reason", Choices = ["too-blue"] }], out _);
        var fine = AnswerRules.Validate(questions, [new Answer { QuestionId = "reason", Choices = ["extra-costs", "other"], OtherText = "<i>fees</i>" }], out var valid);

        Assert.NotNull(missing);
        Assert.NotNull(unknown);
        Assert.Null(fine);
        Assert.Equal(["extra-costs", "other"], valid.ReasonCodes);
        Assert.Equal("<i>fees</i>", valid.FreeText);
    }

    [Fact]
    public void EmailLink_RoundTrips_AndAnyChangeBreaksIt()
    {
        var signer = new EmailLinkSigner(Options.Create(new SurveysOptions { EmailLinkSigningKey = Convert.ToBase64String(new byte[33]) }));
        var other = new EmailLinkSigner(Options.Create(new SurveysOptions { EmailLinkSigningKey = Convert.ToBase64String(Enumerable.Repeat((byte)1, 33).ToArray()) }));
        var claims = new EmailLinkClaims(Guid.NewGuid(), Guid.NewGuid(), Now);

        var token = signer.Sign(claims);

        Assert.Equal(claims, signer.Read(token));
        Assert.Null(other.Read(token));
        Assert.Null(signer.Read(token[..^1] + (token[^1] == 'A' ? 'B' : 'A')));
        Assert.Null(signer.Read("x" + token));
        Assert.Null(signer.Read(null));
    }

    [Theory]
    [InlineData("=SUM(A1)", "'=SUM(A1)")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("-1", "'-1")]
    [InlineData("plain", "plain")]
    public void CsvCells_AreQuotedAndNeverFormulas(string value, string expected) => Assert.Equal(expected, InsightsService.Cell(value));
}
