namespace PartnerMesh.ServiceDefaults.WebApi;

/// <summary>
/// A request arrived after the part of the service that would handle it stopped for shutdown (a background writer
/// drained and closed its queue): a 503, so the caller retries against an instance that is running.
/// </summary>
public sealed class ServiceStoppingException(string message, Exception? innerException = null) : Exception(message, innerException);
