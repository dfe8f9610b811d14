namespace PartnerMesh.Promotions.Api.Evaluations;

/// <summary>
/// The partner an evaluation treated the cart as traffic of, and why: <c>coupon-code</c> (a valid partner code, named in
/// <see cref="Code"/>), <c>request</c> (the request's <c>partnerId</c>) or <c>click</c> (attribution's answer for the
/// request's <c>clickId</c>). A partner's code beats the traffic's partner, as attribution's default coupon-code
/// precedence credits the order to it.
/// </summary>
public sealed record TrafficPartner(Guid PartnerId, string Reason, string? Code = null)
{
    public const string CouponCode = "coupon-code";
    public const string Request = "request";
    public const string Click = "click";
}
