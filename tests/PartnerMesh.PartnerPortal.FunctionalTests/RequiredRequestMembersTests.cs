using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>
/// Every request member docs/api/partner-portal-api.json lists as required is one the service refuses to go without: <c>{}</c> is a 400
/// naming each (<see cref="RequiredRequestMembers"/>).
/// </summary>
public sealed class RequiredRequestMembersTests(PortalApiFactory factory) : IClassFixture<PortalApiFactory>
{
    [Fact]
    public Task EmptyBody_IsA400NamingEveryRequiredMember() =>
        RequiredRequestMembers.AssertRefusedAsync(factory, TestContext.Current.CancellationToken);
}
