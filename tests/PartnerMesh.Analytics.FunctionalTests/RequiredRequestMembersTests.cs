using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>
/// Every request member docs/api/analytics-api.json lists as required is one the service refuses to go without: <c>{}</c> is a 400
/// naming each (<see cref="RequiredRequestMembers"/>).
/// </summary>
public sealed class RequiredRequestMembersTests(AnalyticsApiFactory factory) : IClassFixture<AnalyticsApiFactory>
{
    [Fact]
    public Task EmptyBody_IsA400NamingEveryRequiredMember() =>
        RequiredRequestMembers.AssertRefusedAsync(factory, TestContext.Current.CancellationToken);
}
