using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Surveys.FunctionalTests;

/// <summary>
/// Every request member docs/api/surveys-api.json lists as required is one the service refuses to go without: <c>{}</c> is a 400
/// naming each (<see cref="RequiredRequestMembers"/>). An answer through an email link needs a real link first (a
/// placeholder token is refused before the body is read): <see cref="EmailLinkTests"/> checks it.
/// </summary>
public sealed class RequiredRequestMembersTests(SurveysApiFactory factory) : IClassFixture<SurveysApiFactory>
{
    [Fact]
    public Task EmptyBody_IsA400NamingEveryRequiredMember() =>
        RequiredRequestMembers.AssertRefusedAsync(factory, TestContext.Current.CancellationToken, checkedElsewhere: "RespondThroughEmailLink");
}
