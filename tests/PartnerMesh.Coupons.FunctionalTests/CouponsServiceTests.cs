using PartnerMesh.Coupons.Api.Infrastructure;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.ServiceSkeleton.Testing;
using Xunit;

namespace PartnerMesh.Coupons.FunctionalTests;

public sealed class CouponsServiceTests(CouponsApiFactory factory)
    : ServiceSkeletonTests<Program, CouponsDbContext>(factory, "/api/coupons", ResourceNames.CouponsApi),
        IClassFixture<CouponsApiFactory>;
