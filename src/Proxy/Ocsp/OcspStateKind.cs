namespace EdgeProxy.Ocsp;

/// <summary>Where a certificate stands with OCSP stapling (names as shown in <c>/status</c> and metrics).</summary>
internal enum OcspStateKind
{
    /// <summary>Stapling is switched off (<c>EdgeProxy:Tls:OcspStapling=false</c>).</summary>
    Disabled,

    /// <summary>The certificate names no OCSP responder (Let's Encrypt dropped them in 2025): nothing to staple.</summary>
    NoOcspUrl,

    /// <summary>The file holds no issuer certificate, so no request can be built: stapling impossible.</summary>
    ChainIncomplete,

    /// <summary>Not asked yet.</summary>
    Pending,

    /// <summary>A good response is held and stapled.</summary>
    StapledGood,

    /// <summary>The responder says the certificate is revoked (stapled as such: clients will refuse it).</summary>
    Revoked,

    /// <summary>The responder does not know the certificate.</summary>
    Unknown,

    /// <summary>The responder cannot be reached and no valid response is held.</summary>
    ResponderUnreachable,

    /// <summary>An answer came that cannot be believed (bad signature, another certificate): never stapled, cached or counted for readiness.</summary>
    InvalidResponse,
}
