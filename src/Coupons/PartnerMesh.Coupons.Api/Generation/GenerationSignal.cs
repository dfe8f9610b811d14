using PartnerMesh.Coupons.Api.Common;

namespace PartnerMesh.Coupons.Api.Generation;

/// <summary>Wakes this instance's generation worker when a job is queued here.</summary>
public sealed class GenerationSignal : Signal;
