using PartnerMesh.Promotions.Api.Infrastructure;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.ServiceSkeleton.Testing;
using Xunit;

namespace PartnerMesh.Promotions.FunctionalTests;

public sealed class PromotionsServiceTests(PromotionsApiFactory factory)
    : ServiceSkeletonTests<Program, PromotionsDbContext>(factory, "/api/promotions", ResourceNames.PromotionsApi),
        IClassFixture<PromotionsApiFactory>;
