using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Promotions.FunctionalTests;

/// <summary>
/// Every operation of docs/api/promotions-api.json × every kind of caller gets the status its declared policy implies
/// (<see cref="AuthorizationMatrix"/>); the matrix size is printed.
/// </summary>
public sealed class AuthorizationMatrixTests(PromotionsApiFactory factory) : IClassFixture<PromotionsApiFactory>
{
    [Fact]
    public Task EveryOperation_AnswersEveryCallerAsItsPolicyDeclares() =>
        AuthorizationMatrix.AssertAsync(factory, TestContext.Current.CancellationToken);
}
