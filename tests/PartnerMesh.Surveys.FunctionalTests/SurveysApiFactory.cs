using PartnerMesh.ServiceDefaults;
using PartnerMesh.Surveys.Api.Infrastructure;
using PartnerMesh.Testing;

namespace PartnerMesh.Surveys.FunctionalTests;

public sealed class SurveysApiFactory : ServiceFactory<Program, SurveysDbContext>
{
    protected override string DatabaseResourceName => ResourceNames.SurveysDb;
}
