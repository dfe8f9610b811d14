namespace PartnerMesh.ServiceDefaults;

/// <summary>
/// Resource names shared by the AppHost and the services. They are the keys of the configuration the AppHost
/// injects (<c>ConnectionStrings__{name}</c>, <c>services__{name}__http__0</c>), exactly as Aspire would.
/// </summary>
public static class ResourceNames
{
    public const string Postgres = "postgres";
    public const string Messaging = "messaging";
    public const string Redis = "redis";

    public const string AttributionApi = "attribution-api";
    public const string PromotionsApi = "promotions-api";
    public const string CouponsApi = "coupons-api";
    public const string SurveysApi = "surveys-api";
    public const string AnalyticsApi = "analytics-api";
    public const string PartnerPortalApi = "partner-portal-api";
    public const string Gateway = "gateway";

    public const string AttributionDb = "attributiondb";
    public const string PromotionsDb = "promotionsdb";
    public const string CouponsDb = "couponsdb";
    public const string SurveysDb = "surveysdb";
    public const string AnalyticsDb = "analyticsdb";
    public const string PortalDb = "portaldb";
    public const string GatewayDb = "gatewaydb";
}
