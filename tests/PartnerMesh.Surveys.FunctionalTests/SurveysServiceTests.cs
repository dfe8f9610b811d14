using PartnerMesh.ServiceDefaults;
using PartnerMesh.ServiceSkeleton.Testing;
using PartnerMesh.Surveys.Api.Infrastructure;
using Xunit;

namespace PartnerMesh.Surveys.FunctionalTests;

public sealed class SurveysServiceTests(SurveysApiFactory factory)
    : ServiceSkeletonTests<Program, SurveysDbContext>(factory, "/api/surveys", ResourceNames.SurveysApi),
        IClassFixture<SurveysApiFactory>;
