using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Coupons.FunctionalTests;

/// <summary>
/// Every operation of docs/api/coupons-api.json × every kind of caller gets the status its declared policy implies
/// (<see cref="AuthorizationMatrix"/>); the matrix size is printed.
/// </summary>
public sealed class AuthorizationMatrixTests(CouponsApiFactory factory) : IClassFixture<CouponsApiFactory>
{
    [Fact]
    public Task EveryOperation_AnswersEveryCallerAsItsPolicyDeclares() =>
        AuthorizationMatrix.AssertAsync(factory, TestContext.Current.CancellationToken);
}
