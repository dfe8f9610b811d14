namespace PartnerMesh.Coupons.Api.Checkout;

/// <summary>More storefront calls wait for the database on this instance than <see cref="CheckoutGate"/> queues.</summary>
public sealed class CheckoutGateFullException()
    : Exception("This instance has more checkout calls waiting for the database than it queues; retry in a moment.");
