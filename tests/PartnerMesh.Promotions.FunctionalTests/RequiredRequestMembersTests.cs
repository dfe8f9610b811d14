using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Promotions.FunctionalTests;

/// <summary>
/// Every request member docs/api/promotions-api.json lists as required is one the service refuses to go without: <c>{}</c> is a 400
/// naming each (<see cref="RequiredRequestMembers"/>).
/// </summary>
public sealed class RequiredRequestMembersTests(PromotionsApiFactory factory) : IClassFixture<PromotionsApiFactory>
{
    [Fact]
    public Task EmptyBody_IsA400NamingEveryRequiredMember() =>
        RequiredRequestMembers.AssertRefusedAsync(factory, TestContext.Current.CancellationToken);
}
