namespace EdgeProxy.Ocsp;

/// <summary>The state of one certificate's staple; <see cref="Response"/> is the last good DER response, kept while valid.</summary>
internal sealed record OcspState(
    OcspStateKind Kind,
    DateTimeOffset? ThisUpdate = null,
    DateTimeOffset? NextUpdate = null,
    DateTimeOffset? RevokedAt = null,
    DateTimeOffset? FailingSince = null,
    string? LastError = null,
    DateTimeOffset? HandedToTlsAt = null,
    byte[]? Response = null,
    string? Reason = null)
{
    public bool HoldsValidResponse(DateTimeOffset now) => Response is not null && (NextUpdate is null || NextUpdate > now);
}
