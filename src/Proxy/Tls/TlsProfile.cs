namespace EdgeProxy.Tls;

/// <summary>Named TLS policies (<c>EdgeProxy:Tls:Profile</c>).</summary>
internal enum TlsProfile
{
    /// <summary>TLS 1.2 and 1.3; ECDHE with AES-GCM or ChaCha20-Poly1305 only (Mozilla "intermediate" without DHE).</summary>
    Intermediate,

    /// <summary>TLS 1.3 only (Mozilla "modern").</summary>
    Modern,

    /// <summary><c>Protocols</c> and <c>CipherSuites</c> from the configuration, within the same never-offered rules.</summary>
    Custom,
}
