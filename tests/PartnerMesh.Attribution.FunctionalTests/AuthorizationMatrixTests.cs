using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Attribution.FunctionalTests;

/// <summary>
/// Every operation of docs/api/attribution-api.json × every kind of caller gets the status its declared policy implies
/// (<see cref="AuthorizationMatrix"/>); the matrix size is printed.
/// </summary>
public sealed class AuthorizationMatrixTests(AttributionApiFactory factory) : IClassFixture<AttributionApiFactory>
{
    [Fact]
    public Task EveryOperation_AnswersEveryCallerAsItsPolicyDeclares() =>
        AuthorizationMatrix.AssertAsync(factory, TestContext.Current.CancellationToken);
}
