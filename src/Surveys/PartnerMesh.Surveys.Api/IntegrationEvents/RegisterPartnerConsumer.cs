using PartnerMesh.PartnerDirectory;
using PartnerMesh.Surveys.Api.Infrastructure;

namespace PartnerMesh.Surveys.Api.IntegrationEvents;

public sealed class RegisterPartnerConsumer(SurveysDbContext db) : PartnerRegistrationConsumer<SurveysDbContext>(db);
