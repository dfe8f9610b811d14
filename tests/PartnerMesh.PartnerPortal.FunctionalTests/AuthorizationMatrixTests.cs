using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>
/// Every operation of docs/api/partner-portal-api.json × every kind of caller gets the status its declared policy implies
/// (<see cref="AuthorizationMatrix"/>); the matrix size is printed.
/// </summary>
public sealed class AuthorizationMatrixTests(PortalApiFactory factory) : IClassFixture<PortalApiFactory>
{
    [Fact]
    public Task EveryOperation_AnswersEveryCallerAsItsPolicyDeclares() =>
        AuthorizationMatrix.AssertAsync(factory, TestContext.Current.CancellationToken);
}
