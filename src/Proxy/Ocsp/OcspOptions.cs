namespace EdgeProxy.Ocsp;

/// <summary>
/// The OCSP keys of <c>EdgeProxy:Tls</c>. Operators find them with the other TLS settings; only OCSP reads them, so
/// they are bound here rather than through the TLS options.
/// </summary>
internal sealed class OcspOptions
{
    public const string SectionName = "EdgeProxy:Tls";

    /// <summary>OCSP stapling: <c>true</c> (best effort), <c>false</c>, or <c>Required</c> (readiness needs a good staple).</summary>
    public OcspStaplingMode OcspStapling { get; set; } = OcspStaplingMode.True;

    /// <summary>First retry after a failed OCSP fetch; doubles up to an hour.</summary>
    public TimeSpan OcspRetryInterval { get; set; } = TimeSpan.FromMinutes(1);
}
