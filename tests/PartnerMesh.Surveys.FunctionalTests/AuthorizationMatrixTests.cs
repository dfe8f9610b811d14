using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Surveys.FunctionalTests;

/// <summary>
/// Every operation of docs/api/surveys-api.json × every kind of caller gets the status its declared policy implies
/// (<see cref="AuthorizationMatrix"/>); the matrix size is printed.
/// </summary>
public sealed class AuthorizationMatrixTests(SurveysApiFactory factory) : IClassFixture<SurveysApiFactory>
{
    [Fact]
    public Task EveryOperation_AnswersEveryCallerAsItsPolicyDeclares() =>
        AuthorizationMatrix.AssertAsync(factory, TestContext.Current.CancellationToken);
}
